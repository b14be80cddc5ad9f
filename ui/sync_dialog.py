"""同步: end-of-day sync with the central server, off the UI thread, with progress and cancel."""

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation import secrets
from workstation.domain.dates import local_time_text
from workstation.store.casefile import CaseFile
from workstation.sync.client import HttpTransport, SyncClient, SyncError, SyncReport, Transport

log = logging.getLogger(__name__)

TransportFactory = Callable[[str], Transport]


class SyncWorker(QObject):
    """Runs one sync on its own connection to the case file, in a worker thread."""

    progress = Signal(str, int, int)  # phase, done, total (-1: unknown)
    succeeded = Signal(object)  # SyncReport
    failed = Signal(str)

    def __init__(
        self,
        casefile: CaseFile,
        server: str,
        user: str,
        password: str,
        transport_factory: TransportFactory,
        cancel: threading.Event,
    ) -> None:
        super().__init__()
        self.casefile = casefile
        self.server, self.user, self.password = server, user, password
        self.transport_factory = transport_factory
        self.cancel = cancel

    @Slot()
    def run(self) -> None:
        worker_file = None
        transport = None
        try:
            worker_file = self.casefile.sibling()
            transport = self.transport_factory(self.server)
            client = SyncClient(
                worker_file,
                transport,
                server_url=self.server,
                username=self.user,
                password=lambda: self.password or None,
                cancel=self.cancel,
                progress=lambda phase, done, total: self.progress.emit(
                    phase, done, -1 if total is None else total
                ),
            )
            report = client.run()
            self.succeeded.emit(report)
            if report.backup is not None and report.backup.wait():
                log.warning("the backup before this sync was not made")
        except SyncError as exc:
            log.info("sync failed: %s", exc.detail)
            self.failed.emit(exc.message)
        except Exception:
            log.exception("sync crashed")
            self.failed.emit(
                "同步时程序出错，已写入日志；已同步的部分不受影响。请联系法院信息技术人员。"
            )
        finally:
            if transport is not None and hasattr(transport, "close"):
                transport.close()
            if worker_file is not None:
                worker_file.close()


class SyncDialog(QDialog):
    """Not modal: the officer can keep reading cases while it runs."""

    synced = Signal(object)  # SyncReport, after a successful sync

    def __init__(
        self,
        casefile: CaseFile,
        parent: QWidget | None = None,
        transport_factory: TransportFactory = HttpTransport,
    ) -> None:
        super().__init__(parent)
        self.casefile = casefile
        self.transport_factory = transport_factory
        self.setWindowTitle("与中心服务器同步")
        self.resize(520, 360)
        self.server = QLineEdit(casefile.meta("server_url"))
        self.server.setPlaceholderText("例如 http://10.1.1.5:8080")
        self.user = QLineEdit(casefile.meta("server_username"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_note = QLabel()
        self.password_note.setWordWrap(True)
        self.password_note.setStyleSheet("color: #555;")
        form = QFormLayout()
        form.addRow("服务器地址", self.server)
        form.addRow("用户名", self.user)
        form.addRow("密码", self.password)
        form.addRow("", self.password_note)
        self.last_sync = QLabel()
        self.pending = QLabel()
        self.phase = QLabel("")
        self.bar = QProgressBar()
        self.bar.setVisible(False)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.start_button = QPushButton("开始同步")
        self.cancel_button = QPushButton("取消同步")
        self.cancel_button.setEnabled(False)
        buttons = QDialogButtonBox()
        buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText("关闭")
        buttons.rejected.connect(self.close)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.request_cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.last_sync)
        layout.addWidget(self.pending)
        layout.addWidget(self.phase)
        layout.addWidget(self.bar)
        layout.addWidget(self.result)
        layout.addStretch()
        layout.addWidget(buttons)
        self._thread: QThread | None = None
        self._worker: SyncWorker | None = None
        self._cancel = threading.Event()
        self.refresh_info()

    def refresh_info(self) -> None:
        last = self.casefile.meta("last_sync")
        self.last_sync.setText(f"上次成功同步：{local_time_text(last) if last else '从未同步'}")
        self.pending.setText(f"未同步的修改：{self.casefile.unsynced_count()} 条")
        server, user = self.server.text().strip(), self.user.text().strip()
        if not secrets.keyring_available():
            self.password_note.setText(
                "本机没有系统密钥环，登录凭据不会保存：每次同步都需要输入密码。"
            )
        elif server and user and secrets.load_token(server, user):
            self.password_note.setText("已保存登录凭据，可不填密码。")
        else:
            self.password_note.setText("首次同步请输入密码；登录凭据将保存在系统密钥环中。")

    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        server, user = self.server.text().strip().rstrip("/"), self.user.text().strip()
        if not server.startswith(("http://", "https://")):
            self.result.setText("请填写服务器地址，以 http:// 或 https:// 开头。")
            return
        if not user:
            self.result.setText("请填写用户名。")
            return
        self.casefile.set_meta("server_url", server)
        self.casefile.set_meta("server_username", user)
        self._cancel = threading.Event()
        self._thread = QThread(self)
        self._worker = SyncWorker(
            self.casefile, server, user, self.password.text(), self.transport_factory, self._cancel
        )
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self._on_progress)
        self._worker.succeeded.connect(self._on_success)
        self._worker.failed.connect(self._on_failure)
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.result.setText("")
        self.bar.setVisible(True)
        self.bar.setRange(0, 0)
        self._thread.start()

    def request_cancel(self) -> None:
        self._cancel.set()
        self.phase.setText("正在取消…（当前步骤完成后停止）")

    @Slot(str, int, int)
    def _on_progress(self, phase: str, done: int, total: int) -> None:
        self.phase.setText(f"{phase}…" + (f" {done}/{total}" if total > 0 else ""))
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
        else:
            self.bar.setRange(0, 0)

    def _finish(self) -> None:
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread = None
            self._worker = None
        self.start_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.bar.setVisible(False)
        self.password.clear()
        self.refresh_info()

    @Slot(object)
    def _on_success(self, report: SyncReport) -> None:
        self._finish()
        lines = [
            f"同步完成：上传 {report.pushed} 条修改，下载 {report.pulled} 条。",
        ]
        if report.rejected:
            lines.append(f"服务器拒绝了 {len(report.rejected)} 条修改：{report.rejected[0][1]}")
        if report.open_conflicts:
            lines.append(f"有 {report.open_conflicts} 处冲突需要您处理（工具栏“冲突”）。")
        lines.extend(report.warnings)
        self.phase.setText("")
        self.result.setText("\n".join(lines))
        self.synced.emit(report)

    @Slot(str)
    def _on_failure(self, message: str) -> None:
        self._finish()
        self.phase.setText("")
        self.result.setText(f"同步未完成：{message}")

    def closeEvent(self, event) -> None:
        if self.running():  # finish the step under way: nothing is left half-written
            self._cancel.set()
            self._thread.quit()
            self._thread.wait()
        super().closeEvent(event)
