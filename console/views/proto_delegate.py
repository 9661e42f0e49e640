"""Type-aware editors for the protobuf tree's value column (driven by the model's EditorRole).

numbers → line edit (the model range-checks and says why a value is rejected), bools → false/true,
enums → the enum's names plus the current value when it is not one of them, strings → line edit,
bytes → hex digits, a packed repeated field → its values as one comma-separated list,
a google.protobuf.Timestamp → an RFC 3339 date-time in UTC (nanoseconds kept: a QDateTimeEdit would
round them to milliseconds), a Duration → its JSON text ("1.5s"). The text is not restricted by a
validator: the model parses it and a bad one is refused with the reason (``editRejected``).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QRegularExpression, Qt
from PySide6.QtGui import QDoubleValidator, QRegularExpressionValidator
from PySide6.QtWidgets import QComboBox, QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from console.models.proto_tree import EditorRole
from pelorus.protobuf.editing import EditorSpec

_Index = QModelIndex | QPersistentModelIndex


def editor_text(spec: EditorSpec) -> str:
    v = spec.current
    if spec.widget == "bytes":
        return bytes(v).hex(" ") if isinstance(v, (bytes, bytearray)) else ""
    if spec.widget == "float":
        return repr(float(v)) if v is not None else "0"  # type: ignore[arg-type]
    return "" if v is None else str(v)


class ValueDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        spec = index.data(EditorRole)
        if not isinstance(spec, EditorSpec):
            return super().createEditor(parent, option, index)
        if spec.widget in ("bool", "enum"):
            combo = QComboBox(parent)
            combo.setObjectName(f"proto-{spec.widget}-editor")
            if spec.widget == "bool":
                combo.addItem("false", False)
                combo.addItem("true", True)
            else:
                numbers = set()
                for name, num in spec.choices:
                    combo.addItem(f"{name} ({num})", num)
                    numbers.add(num)
                if spec.current not in numbers:
                    combo.addItem(self.tr("{0} (unknown)").format(spec.current), spec.current)
            return combo
        edit = QLineEdit(parent)
        edit.setObjectName(f"proto-{spec.widget}-editor")
        if spec.widget == "int":
            edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"[-+]?(0x[0-9a-fA-F_]*|[0-9_]*)"), edit))
            edit.setToolTip(f"{spec.kind}: {spec.minimum} … {spec.maximum}")
        elif spec.widget == "float":
            v = QDoubleValidator(edit)
            v.setNotation(QDoubleValidator.Notation.ScientificNotation)
            edit.setToolTip(spec.kind)
        elif spec.widget == "list":
            edit.setToolTip(self.tr("{0}: values separated by commas — add, remove or reorder them").format(spec.kind))
        elif spec.widget == "bytes":
            edit.setValidator(QRegularExpressionValidator(
                QRegularExpression(r"(0x)?[0-9a-fA-F\s]*|[bB][aA][sS][eE]64:[A-Za-z0-9+/=_\-\s]*"), edit))
            edit.setToolTip(self.tr("bytes as hex digits (0a ff 10), or base64: followed by base64 text"))
        elif spec.widget == "timestamp":
            edit.setPlaceholderText("2026-12-01T23:15:00.123456789Z")
            edit.setToolTip(self.tr("RFC 3339 date-time (UTC 'Z' or an offset such as +02:00), up to 9 fraction "
                                    "digits; "
                            "0001-01-01 … 9999-12-31. Writes seconds and nanos in one edit."))
        elif spec.widget == "duration":
            edit.setPlaceholderText("3600s, 1.5s, -2.000000001s")
            edit.setToolTip(self.tr("seconds with an optional fraction (up to 9 digits) and 's'; ±315,576,000,000 s"))
        return edit

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        spec = index.data(EditorRole)
        if not isinstance(spec, EditorSpec):
            super().setEditorData(editor, index)
            return
        if isinstance(editor, QComboBox):
            i = editor.findData(spec.current)
            editor.setCurrentIndex(max(0, i))
        elif isinstance(editor, QLineEdit):
            editor.setText(editor_text(spec))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)
