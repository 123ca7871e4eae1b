"""The pure core: findings and their catalogue, numbers and text as people type them, display formats. Imports nothing of svexcel."""
