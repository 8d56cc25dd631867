"""File safety: the pre-load checks (is this a workbook we may open?), Excel's owner file and the ``lkj`` lock, the
backups in ``Cadangan LKj``, and the safe-save session (lock, read, write a temporary copy, prove nothing outside the
engine's cells changed, back up, replace).

Knows files and packages, not what the sheets mean beyond what the save check needs.  May import the engines, the
workbook layer and the core; never the authoring or shell layers.
"""
