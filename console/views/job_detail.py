"""A job's detail: summary, spec (YAML), pods and the latest workflow, read on open.

The live detail with pods, logs, timelines and charts is its own piece of work (issue 4);
this dialog is what Enter / double-click opens until then.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.api import job_pb2, pod_pb2, workflow_pb2
from console.engine.states import short
from console.session import Session
from console.specfile import dump_spec

POD_COLUMNS = ("Instance", "Pod id", "State", "Attempt", "Host", "PID", "Started", "Ended", "Exit", "Reason",
               "Message")


def _when(ts: object) -> str:
    seconds = getattr(ts, "seconds", 0)
    return datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M:%S") if seconds else ""


class JobDetailDialog(QDialog):
    def __init__(self, session: Session, job_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.job_id = job_id
        self.setObjectName("jobDetail")
        self.setWindowTitle(f"Job {job_id}")
        self.resize(980, 640)
        self.tabs = QTabWidget()
        self.summary = QWidget()
        self.summary_form = QFormLayout(self.summary)
        self.spec_text = QPlainTextEdit()
        self.spec_text.setReadOnly(True)
        self.pods = QTableWidget(0, len(POD_COLUMNS))
        self.pods.setHorizontalHeaderLabels(POD_COLUMNS)
        self.pods.verticalHeader().hide()
        self.workflow_text = QPlainTextEdit()
        self.workflow_text.setReadOnly(True)
        self.tabs.addTab(self.summary, "Summary")
        self.tabs.addTab(self.spec_text, "Spec")
        self.tabs.addTab(self.pods, "Pods")
        self.tabs.addTab(self.workflow_text, "Workflows")
        self.status = QLabel("Loading…")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.status)

    async def load(self) -> None:
        try:
            job = await self.session.client.get_job(self.job_id)
            pods = await self.session.client.list_pods(self.job_id)
            workflows = await self.session.client.list_workflows(self.job_id)
        except Exception as exc:  # noqa: BLE001 - shown to the operator as a sentence
            self.status.setText(f"<span style='color:#b3261e'>{exc}</span>")
            return
        info = job.job_info
        st = info.status
        state = short(job_pb2.JobState.Name(st.state))
        self.setWindowTitle(f"Job {info.spec.name} — {state}")
        rows = [
            ("Name", info.spec.name), ("ID", info.job_id), ("Owner", info.spec.owner),
            ("State", state),
            ("Reason", f"{st.reason} {st.message}".strip()), ("Version", str(st.version.value)),
            ("Instances", f"{info.spec.instance_count} ({st.instances_done} done, {st.instances_failed} failed)"),
            ("Progress", f"{st.progress.successful} ok, {st.progress.failed} failed, {st.progress.remaining} left"),
            ("Labels", ", ".join(f"{k}={v}" for k, v in sorted(info.spec.labels.items()))),
            ("Created", _when(st.created_at)), ("Started", _when(st.started_at)), ("Ended", _when(st.ended_at)),
            ("Next run", _when(st.next_run_at)), ("Purged at", _when(st.expires_at)),
        ]
        for label, value in rows:
            self.summary_form.addRow(f"{label}:", QLabel(value))
        self.spec_text.setPlainText(dump_spec(info.spec))
        self.pods.setRowCount(len(pods))
        for r, pod in enumerate(pods):
            ps = pod.status
            values = (str(pod.instance_id), ps.pod_id, short(pod_pb2.PodState.Name(ps.state)), str(ps.attempt),
                      ps.host, str(ps.pid or ""), _when(ps.started_at), _when(ps.ended_at),
                      str(ps.exit_code) if ps.has_exit_code else "", ps.reason, ps.message)
            for c, value in enumerate(values):
                self.pods.setItem(r, c, QTableWidgetItem(value))
        lines = []
        for wf in workflows:
            s = wf.status
            lines.append(f"{short(workflow_pb2.WorkflowType.Name(s.type))} {short(workflow_pb2.WorkflowState.Name(s.state))}"
                         f" — {s.num_instances_completed} done, {s.num_instances_remaining} remaining, "
                         f"{s.num_instances_failed} failed")
            for ev in wf.events:
                lines.append(f"    {_when(ev.timestamp)}  {ev.message}")
        self.workflow_text.setPlainText("\n".join(lines))
        self.status.setText(f"{len(pods)} pod(s); revision {st.revision}")
