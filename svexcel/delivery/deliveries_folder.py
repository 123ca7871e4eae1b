"""A folder of delivery workbooks: every input of it (svexcel.run.inputs) read into a DeliveryReturn that never raises."""

from __future__ import annotations

from pathlib import Path

from ..framework.model import Framework
from ..run.inputs import Input, InputFolder, Kind, input_folder, renamed
from .reader import DeliveryReturn, read_delivery, settle

DELIVERIES = Kind("delivery workbook", "delivery workbooks", "not-a-delivery-workbook",
                  "delivery workbooks are Excel workbooks (.xlsx or .xlsm) made by svexcel delivery template")


def deliveries_in(folder: Path, exclude: Path | None = None) -> InputFolder:
    """Every input of a delivery workbooks folder (``exclude``, a workbook kept there, left out)."""
    return input_folder(folder, DELIVERIES, exclude)


def read_input(item: Input, framework: Framework) -> DeliveryReturn:
    """One input as a DeliveryReturn named by its path in the folder; one that cannot be read is rejected with its finding."""
    if item.problem is not None:
        return DeliveryReturn(item.name, findings=[item.problem])
    return renamed(read_delivery(item.path, framework), item.name)


def read_inputs(framework: Framework, inputs: InputFolder) -> list[DeliveryReturn]:
    """Read every input of a delivery workbooks folder and settle resent files (the latest per contract is used)."""
    return settle([read_input(item, framework) for item in inputs.inputs])
