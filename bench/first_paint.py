"""Child process of bench/startup.py: prints seconds from process start to the first painted table.

python bench/first_paint.py floor|floor-text|program|signin|after-signin [DATA_DIR]
python bench/first_paint.py window-plain|window-encrypted|opened-plain|opened-encrypted CASE_FILE

window-* (bench/encryption.py): the main window over CASE_FILE opened as a plain or an encrypted
file (key from the keyring), everything else the same; opened-*: the same, timed from opening
the file, with the modules imported and the keyring backend chosen before (as after 登录).
"""

import os
import sys
import time
from pathlib import Path

STARTED = float(os.environ.get("BENCH_T0", time.time()))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    mode = sys.argv[1]
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                QTimer.singleShot(0, self.report)
                obj.removeEventFilter(self)
            return False

        def report(self) -> None:
            rss_kb = 0
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss_kb = int(line.split()[1])
            print(f"{time.time() - STARTED:.4f} {rss_kb}", flush=True)
            os._exit(0)

    if mode == "floor-text":
        # The same paint work as the program's first frame, none of its logic: a table of 200
        # rows of Chinese text in the program's font, and Qt's enum namespace in use.
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QStandardItem, QStandardItemModel
        from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

        from ui.fonts import apply_ui_font

        app = QApplication(sys.argv[:1])
        apply_ui_font(app)
        model = QStandardItemModel(200, 8)
        for r in range(200):
            for c in range(8):
                model.setItem(r, c, QStandardItem(f"（2026）豫0302执{r}号 王五{c}"))
        window = QMainWindow()
        table = QTableView()
        table.setModel(model)
        table.setSortingEnabled(True)
        table.horizontalHeader().setSortIndicator(4, Qt.SortOrder.DescendingOrder)
        window.setCentralWidget(table)
        watcher = FirstPaint()
        table.viewport().installEventFilter(watcher)
        window.resize(1280, 800)
        window.show()
    elif mode == "floor":
        from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

        app = QApplication(sys.argv[:1])
        window = QMainWindow()
        table = QTableView()
        window.setCentralWidget(table)
        watcher = FirstPaint()
        table.viewport().installEventFilter(watcher)
        window.resize(1280, 800)
        window.show()
    elif mode == "program":
        # No sign-in (the test hook GUI tests use): the case file opened at once.
        from ui.app import make_app, open_main_window
        from workstation.paths import case_file_path

        app = make_app()
        opened = open_main_window(case_file_path(sys.argv[2]))
        assert opened is not None
        window, _ = opened
        watcher = FirstPaint()
        window.table.viewport().installEventFilter(watcher)
    elif mode.startswith(("window-", "opened-")):
        from ui.app import make_app, settings_for
        from ui.main_window import MainWindow
        from workstation.store import database, keys
        from workstation.store.casefile import CaseFile

        app = make_app()
        path = Path(sys.argv[2])
        if mode.startswith("opened-"):
            # As after 登录: the modules imported and the keyring backend chosen meanwhile
            # (ui.app.warm_up), then the clock starts when the file is opened.
            if mode.endswith("encrypted"):
                from workstation.secrets import keyring_available

                keyring_available()
            global STARTED
            STARTED = time.time()
        key = keys.key_for(path) if mode.endswith("encrypted") else None
        window = MainWindow(CaseFile(database.connect(path, key), path, None), settings_for(path))
        watcher = FirstPaint()
        window.table.viewport().installEventFilter(watcher)
        window.show()
    else:
        signin_then_list(mode, Path(sys.argv[2]))
        return
    app.exec()


def signin_then_list(mode: str, data_dir: Path) -> None:
    """The program as ui.app.run starts it: "signin" prints the time to the sign-in window
    painted; "after-signin" types the password BENCH_TYPING_MS after that paint and prints the
    time from pressing 登录 to the first painted case list (the password check included)."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from ui import app as ui_app
    from ui.signin import SignInDialog

    app = ui_app.make_app()
    typing_ms = int(os.environ.get("BENCH_TYPING_MS", "1500"))
    pressed: list[float] = []

    class SignInPainted(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                obj.removeEventFilter(self)
                if mode == "signin":
                    print(f"{time.time() - STARTED:.4f} 0", flush=True)
                    os._exit(0)
                QTimer.singleShot(typing_ms, lambda: press(obj))
            return False

    def press(dialog: SignInDialog) -> None:
        dialog.password_field.setText(os.environ["BENCH_PASSWORD"])
        pressed.append(time.time())
        dialog.sign_in_button.click()

    watcher = SignInPainted()

    def watch() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SignInDialog):
            QTimer.singleShot(1, watch)
            return
        dialog.installEventFilter(watcher)

    QTimer.singleShot(0, watch)
    signed_in = ui_app.sign_in(data_dir)
    assert signed_in is not None
    account, password = signed_in
    opened = ui_app.open_main_window(account.case_file, password)
    assert opened is not None
    window, _ = opened

    class ListPainted(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                obj.removeEventFilter(self)
                QTimer.singleShot(0, report)
            return False

    def report() -> None:
        print(f"{time.time() - pressed[0]:.4f} 0", flush=True)
        os._exit(0)

    painted = ListPainted()
    window.table.viewport().installEventFilter(painted)
    app.exec()


if __name__ == "__main__":
    main()
