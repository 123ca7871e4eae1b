"""Word rendering: docxtpl templates prepared once and rendered many times, and charts drawn with Pillow."""
