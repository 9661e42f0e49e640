"""The main window: connection bar, jobs table, actions, status bar.

It holds no business rules: its toolbar, menus, the jobs table's context menu and the command
palette are built from the action table (console/actions.py), enabled by that table's rules for
the selected jobs as the table shows them, and performed by the Session (which asks through the
confirmation this window installs).  It shows what the Session's models and signals say.  Every
action runs as a task the window keeps a reference to, so nothing is garbage-collected mid-flight
and the window never blocks.

Signals:
    closed(): the window has finished closing (the app then shuts the session down).
"""

from __future__ import annotations

import asyncio
import html
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QEvent,
    QLocale,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QStyle,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from console import actions, i18n, messages, timefmt
from console.actions import ACTIONS, Confirm, ConfirmRequest, Name, Options, Outcome, Scope
from console.i18n import QT_TRANSLATE_NOOP, action_text, plain_label, translate
from console.models import job_row, job_search, palette
from console.profiles import EMBEDDED
from console.session import ConnectionState, EngineStatus, Session
from console.tasks import WidgetTasks
from console.views import theme
from console.views.detail_tabs import DetailTabs, JobTabBar
from console.views.jobs_panel import JobsPanel
from console.views.saved_views import SavedViews
from console.views.tab_order import follow_layout
from pelorus.api import job_pb2
from pelorus.errors import ClientError
from pelorus.text import Text

if TYPE_CHECKING:  # imported when first used: they pull in pyqtgraph / the protobuf stack (start-up time),
    # or are not needed before the jobs table shows its first rows (the dialogs, the palette, relabel)
    from console.views.call_panel import CallPanel
    from console.views.command_palette import PaletteEntry
    from console.views.confirm import ConfirmDialog
    from console.views.connection_dialog import RemoteEngine
    from console.views.job_detail import JobDetail
    from console.views.proto_editor import ProtoEditor

STATE_STYLE = {
    ConnectionState.CONNECTING: (palette.WARNING, QT_TRANSLATE_NOOP("MainWindow", "connecting…")),
    ConnectionState.CONNECTED: (palette.OK, QT_TRANSLATE_NOOP("MainWindow", "connected")),
    ConnectionState.RECONNECTING: (palette.ERROR, QT_TRANSLATE_NOOP("MainWindow", "connection lost — reconnecting")),
    ConnectionState.DISCONNECTED: (palette.TEXT_SECONDARY, QT_TRANSLATE_NOOP("MainWindow", "disconnected")),
}
ENABLE_DELAY_MS = 150  # rows change up to every frame: re-check the actions at most this often
POD_ACTION_WHY = "select pods in a job's detail (Pods tab)"
# More keys for an action than the table's one (tabs: as in browsers).
ALSO_KEYS: dict[Name, tuple[str, ...]] = {Name.NEXT_TAB: ("Ctrl+PgDown",), Name.PREV_TAB: ("Ctrl+PgUp", "Ctrl+Backtab")}
SETTING_JOB_TABS = "main/jobTabs"  # the job ids of the open job tabs, in tab order
SETTING_JOB_TAB_FRONT = "main/jobTabFront"  # the job tab in front at the last close ("" when none)
SETTING_JOB_TABS_PROFILE = "main/jobTabsProfile"  # the engine profile those jobs belong to
MAX_RESTORED_TABS = 20  # more than this many tabs at a start is a leftover, not a workspace
log = logging.getLogger("pelorus.console.main_window")
MAX_COUNTED = 2_000  # selections up to this size get "1 of 3 selected (…)" in the tooltips


class MainWindow(QMainWindow):
    closed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("Pelorus"))
        self.resize(1400, 820)
        self._tasks = WidgetTasks("main window", widget=self)
        self._closing = False
        self._undo: Callable[[], Awaitable[Any]] | None = None
        self._tabs_to_restore: list[str] = []  # saved job tabs, opened once connected
        self._tab_to_front = ""
        self.panel = JobsPanel(session.jobs_model)
        # Rows changed on screen, a re-sort or a filter: the table repaints, and the feed's worker waits
        # until it has painted (its parsing would hold the GIL that each data() of the paint needs)
        self.panel.proxy.dataChanged.connect(lambda *_: session.hold_feed_for_paint())
        self.panel.proxy.layoutAboutToBeChanged.connect(lambda *_: session.hold_feed_for_paint())
        session.release_feed_after_paints_of(self.panel.table.viewport())
        self.tabs = QTabWidget(self)
        self.tabs.setTabBar(JobTabBar(self.tabs))  # a middle click closes a job tab (before any tab is added)
        self.tabs.setAccessibleName(self.tr("Jobs and protobuf"))
        self.tabs.setObjectName("mainTabs")
        self.tabs.addTab(self.panel, self.tr("Jobs"))
        # The protobuf editor and the Call panel are built when their tab is first shown (or first
        # asked for): their imports are ~0.3 s of start-up that the Jobs tab does not need.
        self.proto_page = QWidget()
        self.proto_page.setObjectName("protoPage")
        QVBoxLayout(self.proto_page).setContentsMargins(0, 0, 0, 0)
        self._proto: tuple[ProtoEditor, CallPanel] | None = None
        self.tabs.addTab(self.proto_page, self.tr("Protobuf"))
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.setCentralWidget(self.tabs)
        self.actions_by_name: dict[Name, QAction] = {}  # a StrEnum: ["stop"] finds Name.STOP
        self.context_menu: QMenu | None = None
        self.last_confirm: ConfirmDialog | None = None
        self.last_export: QFileDialog | None = None
        self.availability: dict[Name, actions.Availability] = {}
        self._enable_timer = QTimer(self)
        self._enable_timer.setSingleShot(True)
        self._enable_timer.setInterval(ENABLE_DELAY_MS)
        self._enable_timer.timeout.connect(self._update_enabled)
        self._build_connection_bar()
        self._build_actions()
        # Job details open as tabs of their own beside Jobs and Protobuf, each with its job's toolbar.
        self.detail_tabs = DetailTabs(self.tabs, session, [None if n is None else self.actions_by_name[n]
                                                           for n in actions.JOB_TOOLBAR], self._spawn)
        self._details: dict[str, JobDetail] = self.detail_tabs.details  # open details by job id
        self._build_menus()
        session.confirmer = self.confirm
        self._message: messages.Message | None = None  # the message bar's, retranslated on a language change
        self._build_status_bar()
        self._connect_signals()
        self._restore_settings()
        self._update_enabled()
        messages.install_sink(self._show_message)
        follow_layout(self)  # Tab: the connection bar, the toolbars, then the tabs (built first)

    # -- construction -------------------------------------------------------------------
    # -- the protobuf tab, built on first use ------------------------------------------------
    def _on_tab_changed(self, index: int) -> None:
        if self._proto is None and self.tabs.widget(index) is self.proto_page:
            self._build_proto()
        if hasattr(self, "detail_tabs"):  # (the first tabs are added before the job tabs exist)
            # A job tab has its own toolbar and the actions act on its job: the table's bar steps aside.
            self.actions_bar.setVisible(self.detail_tabs.current_tab() is None)
            self._update_enabled()
            follow_layout(self)  # the page shown may be new (the protobuf tab, a job's tab)

    def _build_proto(self) -> tuple[ProtoEditor, CallPanel]:
        if self._proto is None:
            from console.views.call_panel import protobuf_page
            from console.views.proto_editor import ProtoEditor

            editor = ProtoEditor(self.proto_page)
            editor.client_source = lambda: self.session.client  # "From server reflection…"
            page, call_panel = protobuf_page(editor)  # the Call panel beside the editor
            layout = self.proto_page.layout()
            assert layout is not None
            layout.addWidget(page)
            self._proto = (editor, call_panel)
            self._proto_tab_title(editor.tab_title)
            editor.titleChanged.connect(self._proto_tab_title)
        return self._proto

    def _proto_tab_title(self, file_title: str) -> None:
        """The tab keeps its name and adds the open file's: "Protobuf · spec.bin •"."""
        name = self.tr("Protobuf")
        if file_title.removesuffix(" •") in ("Protobuf", ""):  # no file: the editor's own title is the tab's name
            title = name + file_title.removeprefix("Protobuf")
        else:
            title = self.tr("{tab} · {file}").format(tab=name, file=file_title)
        self.tabs.setTabText(self.tabs.indexOf(self.proto_page), title)

    @property
    def proto_editor(self) -> ProtoEditor:
        """The protobuf editor (built now if its tab was never shown)."""
        return self._build_proto()[0]

    @property
    def call_panel(self) -> CallPanel:
        """The Call panel beside the editor (built with it)."""
        return self._build_proto()[1]

    def _build_connection_bar(self) -> None:
        bar = QToolBar(self.tr("Connection"))
        bar.setObjectName("connectionBar")
        bar.setMovable(False)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.profile_box = QComboBox()
        self.profile_box.setAccessibleName(self.tr("Engine"))
        self.profile_box.setObjectName("profileBox")
        self.profile_box.setMinimumWidth(260)
        for name in self.session.profile_names():
            self.profile_box.addItem(self._profile_label(name), name)  # the data: the profile's stored name
        self.profile_box.setCurrentIndex(max(0, self.profile_box.findData(self.session.profile_name)))
        bar.addWidget(QLabel(" " + self.tr("Engine:") + " "))
        bar.addWidget(self.profile_box)
        self.add_profile_button = QPushButton(self.tr("Add remote…"))
        bar.addWidget(self.add_profile_button)
        self.conn_label = QLabel()
        self.conn_label.setObjectName("connectionState")
        bar.addWidget(QLabel("   "))
        bar.addWidget(self.conn_label)
        # The embedded engine died and was not restarted: a button to start it, its last log lines.
        self.restart_engine_button = QPushButton(self.tr("Restart engine"))
        self.restart_engine_button.setObjectName("restartEngine")
        self.restart_engine_button.setToolTip(self.tr("Start the embedded engine again and re-attach the console"))
        self.restart_engine_action = bar.addWidget(self.restart_engine_button)
        self.restart_engine_action.setVisible(False)
        self.engine_log_button = QPushButton(self.tr("Engine log…"))
        self.engine_log_button.setObjectName("engineLog")
        self.engine_log_action = bar.addWidget(self.engine_log_button)
        self.engine_log_action.setVisible(False)
        self.executor_label = QLabel()
        self.executor_label.setObjectName("executorHealth")
        self.executor_label.setTextFormat(Qt.TextFormat.RichText)
        bar.addWidget(QLabel("   "))
        bar.addWidget(self.executor_label)
        self.read_only_label = QLabel("  READ-ONLY  ")
        self.read_only_label.setStyleSheet(palette.badge_css())
        self.read_only_action = bar.addWidget(self.read_only_label)  # toolbar widgets hide via their action
        self.read_only_action.setVisible(self.session.read_only)

    def _handler(self, name: Name) -> Callable[[], Any]:
        """What triggering an action of the table does here: window actions open their flow, job
        actions run on the selection through the session."""
        special: dict[Name, Callable[[], Any]] = {
            Name.NEW: self.new_job,
            Name.EDIT: lambda: self._spawn(self._edit()),
            Name.OPEN: self._open_current,
            Name.DEMO: lambda: self._spawn(self._load_demo()),
            Name.FILTER: self._focus_filter,
            Name.PALETTE: self.show_palette,
            Name.CLOSE_TAB: lambda: self.detail_tabs.close_current(),
            Name.NEXT_TAB: lambda: self.detail_tabs.cycle(1),
            Name.PREV_TAB: lambda: self.detail_tabs.cycle(-1),
            Name.CONNECT: self._add_profile,
            Name.EXPORT: self.export_jobs,
            Name.OPEN_PROTO: self._open_proto_file,
            Name.QUIT: self.close,
            Name.COPY: self._copy,
            Name.SELECT_ALL: self._select_all,
            Name.SAVE_VIEW: lambda: self.saved_views.save_current(),
            Name.PROTO_EDITOR: lambda: self.tabs.setCurrentWidget(self.proto_page),
            Name.CALL: self._show_call_panel,
        }
        return special.get(name, lambda: self._act(name))

    def _build_actions(self) -> None:
        """One QAction per window and job action of the table: shared by the toolbar, the menus,
        the context menu and the palette, so they are enabled (and say why not) in one place."""
        for name, spec in ACTIONS.items():
            if spec.scope is Scope.POD:
                continue
            action = QAction(action_text(spec.label), self)
            action.setObjectName(f"action_{name.value}")
            if spec.icon:
                action.setIcon(self.style().standardIcon(getattr(QStyle.StandardPixmap, spec.icon)))
            if spec.shortcut is not None:
                action.setShortcuts([QKeySequence(spec.shortcut), *(QKeySequence(k) for k in ALSO_KEYS.get(name, ()))])
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setStatusTip(action_text(spec.tip))
            action.triggered.connect(self._handler(name))
            self.addAction(action)
            self.actions_by_name[name] = action
        tb = QToolBar(self.tr("Actions"))
        tb.setObjectName("actionsBar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBarBreak()
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, tb)
        self.actions_bar = tb
        self._fill(tb, actions.TOOLBAR)

    def _fill(self, target: QToolBar | QMenu, names: tuple[Name | None, ...]) -> None:
        for name in names:
            if name is None:
                target.addSeparator()
            else:
                target.addAction(self.actions_by_name[name])

    def _build_menus(self) -> None:
        """File, Edit, View, Jobs, Tools, Help: every entry an action of the table (its shortcut with it)."""
        bar = self.menuBar()
        self._menu_titles: list[tuple[QMenu, str]] = []  # (menu, its English title): retranslate()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.setObjectName("fileMenu")
        self._fill(file_menu, (Name.CONNECT, None, Name.EXPORT, Name.OPEN_PROTO, None, Name.CLOSE_TAB, None,
                               Name.QUIT))
        edit = bar.addMenu(self.tr("&Edit"))
        edit.setObjectName("editMenu")
        self._fill(edit, (Name.COPY, Name.SELECT_ALL, None, Name.FILTER))
        view = bar.addMenu(self.tr("&View"))
        view.setObjectName("viewMenu")
        self._fill(view, (Name.PALETTE, None, Name.NEXT_TAB, Name.PREV_TAB))
        view.addSeparator()
        self.saved_views = SavedViews(self.panel, self)
        view.addMenu(self.saved_views.menu)
        self.utc_action = view.addAction(self.tr("Times in &UTC"))
        self.utc_action.setObjectName("timesInUtc")
        self.utc_action.setCheckable(True)
        self.utc_action.setToolTip(self.tr("Show every time in UTC instead of this computer's time zone"))
        self.utc_action.setChecked(bool(QSettings().value(timefmt.SETTING_UTC, False, type=bool)))
        timefmt.set_utc(self.utc_action.isChecked())
        self.utc_action.toggled.connect(self.set_times_in_utc)
        self._build_language_menu(view)
        jobs = bar.addMenu(self.tr("&Jobs"))
        jobs.setObjectName("jobsMenu")
        self._fill(jobs, (Name.NEW, Name.DEMO, None) + actions.JOB_MENU)
        tools = bar.addMenu(self.tr("&Tools"))
        tools.setObjectName("toolsMenu")
        self._fill(tools, (Name.PROTO_EDITOR, Name.CALL, None, Name.PALETTE))
        self.theme_menu = theme.add_menu(view)  # System / Light / Dark (the controller is made on a choice)
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.setObjectName("helpMenu")
        self._menu_titles += [(file_menu, "&File"), (edit, "&Edit"), (view, "&View"), (jobs, "&Jobs"),
                              (tools, "&Tools"), (help_menu, "&Help")]
        keys = help_menu.addAction(self.tr("&Keyboard shortcuts"))
        keys.setObjectName("keyboardShortcuts")
        keys.triggered.connect(self.show_shortcuts)
        about = help_menu.addAction(self.tr("&About Pelorus"))
        about.setObjectName("aboutPelorus")
        self._help_actions = [(keys, "&Keyboard shortcuts"), (about, "&About Pelorus")]
        about.triggered.connect(self.show_about)

    def _build_language_menu(self, view: QMenu) -> None:
        """View ▸ Language: the system's, English or 简体中文; persisted, and applied at once."""
        menu = view.addMenu(self.tr("&Language"))
        menu.setObjectName("languageMenu")
        self._menu_titles.append((menu, "&Language"))
        group = QActionGroup(menu)
        chosen = i18n.saved_choice()
        for value, name in i18n.CHOICES:
            action = menu.addAction(name or self.tr("System ({0})").format(QLocale.system().nativeLanguageName()))
            action.setObjectName(f"language_{value}")
            action.setCheckable(True)
            action.setChecked(value == chosen)
            action.setActionGroup(group)
            action.triggered.connect(lambda _on=False, v=value: self.set_language(v))
        self.language_menu = menu

    def set_language(self, choice: str) -> None:
        """Persist the language and load it now, in every open window: the menus, actions, tabs and
        headers (:meth:`retranslate`, on Qt's LanguageChange), the status lines the core feeds
        (CoreLabel), and every other text the windows show (views/relabel.py: read before the switch,
        set again in the new language after it)."""
        if choice == i18n.saved_choice():
            return
        i18n.save_choice(choice)
        from console.views import relabel

        shown = relabel.snapshot(w for w in QApplication.topLevelWidgets() if w.isVisible())
        message = self._message
        again = relabel.sentence(message.text) if message is not None and not isinstance(message.text, Text) \
            else None  # the message bar's last sentence (a core Text follows by itself)
        i18n.install(choice)
        shown.apply()
        if message is not None and again is not None:
            self._show_message(messages.Message(message.level, again()))
        log.info("language %s: %d texts changed, %d left as they were", choice, len(shown.bindings),
                 len(shown.missed))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "_help_actions"):
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """The texts that follow a live language change: menus, actions (toolbar, menus, palette),
        the main tabs and the jobs table's headers."""
        for menu, title in self._menu_titles:
            menu.setTitle(self.tr(title))
        for action, text in self._help_actions:
            action.setText(self.tr(text))
        self.utc_action.setText(self.tr("Times in &UTC"))
        for name, action in self.actions_by_name.items():
            spec = ACTIONS[name]
            action.setText(action_text(spec.label))
            action.setStatusTip(action_text(spec.tip))
        self.tabs.setTabText(self.tabs.indexOf(self.panel), self.tr("Jobs"))
        self._proto_tab_title(self._proto[0].tab_title if self._proto is not None else "")
        model = self.session.jobs_model
        model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, model.columnCount() - 1)
        self._on_state(self.session.state, "")  # the connection's words
        self._update_enabled()  # the disabled actions' reasons
        if self._message is not None:
            self._show_message(self._message)  # a core sentence shown last, in the new language

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(key, what it does) for every action with a keyboard shortcut, from the action table."""
        rows = [(a.shortcut().toString(), plain_label(a.text()))
                for a in self.actions_by_name.values() if not a.shortcut().isEmpty()]
        rows.append(("/", self.tr("Focus the filter")))
        return sorted(rows)

    def shortcut_text(self) -> str:
        """Every action's keyboard shortcut, one per line (what Help shows, as plain text)."""
        return "\n".join(f"{key:<18} {what}" for key, what in self.shortcut_rows())

    def show_shortcuts(self) -> None:
        box = QMessageBox(QMessageBox.Icon.NoIcon, self.tr("Keyboard shortcuts"),
                          self.tr("Keyboard shortcuts of the main window:"), parent=self)
        box.setObjectName("shortcutsBox")
        # a table, not padded text: a proportional font (and Chinese labels) would not line up
        cells = "".join(f"<tr><td>{html.escape(key)}</td><td>&nbsp;&nbsp;&nbsp;{html.escape(what)}</td></tr>"
                        for key, what in self.shortcut_rows())
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setInformativeText(f"<table>{cells}</table>")
        box.open()

    def show_about(self) -> None:
        box = QMessageBox(QMessageBox.Icon.NoIcon, self.tr("About Pelorus"), self.tr(
            "<b>Pelorus</b><br>A console for the Pelorus job engine: jobs, pods, logs, progress and "
            "workflows, and a protobuf editor."), parent=self)
        box.setObjectName("aboutBox")
        box.open()

    def set_times_in_utc(self, on: bool) -> None:
        """The View menu's UTC / local switch: persisted, and every shown time redrawn in that zone."""
        timefmt.set_utc(on)
        QSettings().setValue(timefmt.SETTING_UTC, on)
        if self.utc_action.isChecked() != on:
            self.utc_action.setChecked(on)
        model = self.session.jobs_model
        model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, model.columnCount() - 1)
        self.panel.table.viewport().update()
        self.panel.table.horizontalHeader().viewport().update()
        for detail in list(self._details.values()):
            detail.refresh_times()

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.message_label = QLabel()
        self.message_label.setObjectName("statusMessage")
        sb.addWidget(self.message_label, 1)
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.setObjectName("undoButton")
        self.undo_button.hide()
        self.undo_button.clicked.connect(self._run_undo)
        sb.addPermanentWidget(self.undo_button)
        self.conn_status = QLabel()
        self.conn_status.setObjectName("connectionStatus")
        sb.addPermanentWidget(self.conn_status)
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.setInterval(15_000)
        self._undo_timer.timeout.connect(self._clear_undo)

    def _connect_signals(self) -> None:
        self.session.stateChanged.connect(self._on_state)
        self.session.readOnlyChanged.connect(self._on_read_only)
        self.session.executorHealthChanged.connect(self._on_executor_health)
        self.session.engineChanged.connect(self._on_engine)
        self.restart_engine_button.clicked.connect(self._restart_engine)
        self.engine_log_button.clicked.connect(self._show_engine_log)
        self._health_timer = QTimer(self)  # the age of the last health answer, once a second
        self._health_timer.setInterval(1000)
        self._health_timer.timeout.connect(lambda: self._on_executor_health(self.session.executor_health))
        self._health_timer.start()
        self.panel.selectionChanged.connect(lambda _ids: self._update_enabled())
        self.panel.contextMenuRequested.connect(self._job_context_menu)
        model = self.session.jobs_model
        for signal in (model.rowsUpdated, model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self._rows_changed)
        self.panel.openRequested.connect(self.open_job)
        self.panel.loadDemoRequested.connect(lambda: self._spawn(self._load_demo()))
        self.profile_box.activated.connect(lambda _i: self._spawn(self.session.switch_profile(
            self.profile_box.currentData() or self.profile_box.currentText())))
        self.add_profile_button.clicked.connect(self._add_profile)
        self._on_state(self.session.state, "")

    # -- tasks & messages -----------------------------------------------------------------
    def _spawn(self, coro: Awaitable[Any]) -> asyncio.Future[Any]:
        return self._tasks.start(coro)

    def _show_message(self, msg: messages.Message) -> None:
        self._message = msg
        color = {"error": palette.ERROR, "warning": palette.WARNING, "info": palette.TEXT}[msg.level.value]
        text = i18n.core_text(msg.text)  # a core sentence (an error's Text) in the console's language
        self.message_label.setText(palette.span(text, color))
        self.message_label.setToolTip(text)

    def _on_state(self, state: str, detail: str) -> None:
        color, text = STATE_STYLE.get(ConnectionState(state), (palette.TEXT_SECONDARY, state))
        text = self.tr(text)
        engine = self.session.engine_status
        if engine in (EngineStatus.DEAD, EngineStatus.RESTARTING):  # the engine, not the network
            color = palette.ERROR if engine == EngineStatus.DEAD else palette.WARNING
            text = (
                self.tr("embedded engine down")
                if engine == EngineStatus.DEAD
                else self.tr("restarting the embedded engine…")
            )
            detail = self.session.engine_detail
        where = self._profile_label(self.session.profile_name)
        self.conn_label.setText(f"{palette.span('●', color)} {text}")
        self.conn_status.setText(f"{palette.span('●', color)} {where}: {text}"
                                 + (f" — {detail}" if detail else ""))
        self.conn_status.setToolTip(detail or text)
        self._update_enabled()
        self._on_executor_health(self.session.executor_health)  # whether its answer is current changed

    def _profile_label(self, name: str) -> str:
        """How a profile is shown: the embedded engine's in the console's language (its stored name,
        the profiles file's key, stays English)."""
        return self.tr("Embedded engine") if name == EMBEDDED else name

    def _on_engine(self, _status: str, _detail: str) -> None:
        dead = self.session.engine_status == EngineStatus.DEAD
        self.restart_engine_action.setVisible(dead)
        self.engine_log_action.setVisible(dead and bool(self.session.engine_log_tail))
        self._on_state(self.session.state.value, "")

    def _restart_engine(self) -> None:
        self.restart_engine_action.setVisible(False)
        self._spawn(self.session.restart_embedded_engine())

    def _show_engine_log(self) -> None:
        detail = self.session.engine_detail
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Embedded engine"), detail[:1].upper() + detail[1:] + ".",
                          QMessageBox.StandardButton.Close, self)
        box.setObjectName("engineLogDialog")
        log = self.session.embedded.log_path if self.session.embedded is not None else self.tr("its log")
        box.setInformativeText(
            self.tr("The last lines of {0}:<pre>{1}</pre>").format(log, html.escape(self.session.engine_log_tail))
        )
        box.setDetailedText(self.session.engine_log_tail)  # to copy
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _on_executor_health(self, health: Any) -> None:
        """"Executor: ray @ http://head:8265 ● SERVING · 2 nodes · 1 s ago" (a client.ExecutorHealth;
        None = unknown). An answer that no longer describes the engine (it died, the connection is
        lost, no answer for a while) is grey and says how old it is: never a stale green SERVING."""
        if health is None:
            self.executor_label.setText("")
            self.executor_label.setToolTip("")
            return
        current = self.session.executor_health_current()
        age = self.session.executor_health_age()
        ago = "" if age is None else self.tr(" · {0:.0f} s ago").format(age)
        color = {"SERVING": palette.OK, "NOT_SERVING": palette.ERROR}.get(health.status, palette.TEXT_SECONDARY)
        status = health.status
        if not current:
            color = palette.TEXT_FAINT
            if self.session.engine_status in (EngineStatus.DEAD, EngineStatus.RESTARTING):
                why = self.tr("engine down")
            elif self.session.state != ConnectionState.CONNECTED:
                why = self.tr("not connected")
            else:
                why = self.tr("no answer")
            status = self.tr("unknown ({0})").format(why)
            ago = self.tr(" · last answer {0:.0f} s ago").format(age) if age is not None else ""
        d = health.details
        where = (
            f" @ {health.address}"
            if health.address
            else (self.tr(" on {0}").format(d["host"]) if d.get("host") else "")
        )
        extra = (
            self.tr(" · {0} nodes").format(d["ray_nodes_alive"])
            if current and health.serving and d.get("ray_nodes_alive")
            else ""
        )
        name = f"<b>{health.executor}</b>" if health.executor else self.tr("(details need a token)")
        self.executor_label.setText(
            self.tr("Executor: {0}{1} {2} {3}{4}{5}").format(name, where, palette.span("●", color), status, extra, ago)
        )
        tip = [f"pelorus.v1.Executor: {status}"]
        if d.get("ray_error"):
            tip.append(d["ray_error"])
        tip += [f"{k}: {v}" for k, v in sorted(d.items()) if k not in ("ray_error",)]
        self.executor_label.setToolTip("\n".join(tip))

    def _on_read_only(self, read_only: bool) -> None:
        self.read_only_action.setVisible(read_only)
        self._update_enabled()

    @staticmethod
    def _reach(spec: actions.Action, facts: list[actions.JobFacts]) -> str:
        """" — 1 of 3 selected (2 already finished)" for a mixed selection (not counted above
        MAX_COUNTED jobs: the confirmation counts them)."""
        if spec.scope is not Scope.JOB or len(facts) < 2 or len(facts) > MAX_COUNTED:
            return ""
        chosen = actions.plan(spec, facts)
        if not chosen.skipped:
            return ""
        left = ", ".join(translate("Actions", "{0} {1}", "a count, then a reason").format(len(js), action_text(reason))
                         for reason, js in chosen.skipped.items())
        return QCoreApplication.translate("MainWindow", " — {0} of {1} selected ({2})").format(
            len(chosen.eligible), len(facts), left
        )

    def _rows_changed(self, *_args: Any) -> None:
        """Selected rows may have changed state: re-check the actions soon (coalesced)."""
        if not self._enable_timer.isActive() and (self.panel.table.selectionModel().hasSelection()
                                                  or self.detail_tabs.current_tab() is not None):
            self._enable_timer.start()

    def target_job_ids(self) -> list[str]:
        """The jobs the job actions act on: the job of the tab in front, else the table's selection."""
        job_id = self.detail_tabs.current_job_id() if hasattr(self, "detail_tabs") else None
        return [job_id] if job_id is not None else self.panel.selected_job_ids()

    def _target_facts(self) -> list[actions.JobFacts]:
        detail = self.detail_tabs.current_detail() if hasattr(self, "detail_tabs") else None
        if detail is not None and detail.gone:  # deleted: say so rather than "select a job"
            return [actions.JobFacts(detail.job_id, "", job_pb2.JOB_STATE_DELETED)]
        return self.session.job_facts(self.target_job_ids())

    def _update_enabled(self) -> None:
        """Enable each action by the table's rules for the jobs it would act on (the tab in front's,
        or the selected rows as the table shows them); a disabled action's tooltip says why."""
        started = time.perf_counter()
        facts = self._target_facts()
        groups = actions.tally(facts)
        connected = self.session.state == ConnectionState.CONNECTED
        self.availability = {}
        for name, action in self.actions_by_name.items():
            spec = ACTIONS[name]
            got = actions.availability_of(spec, groups, connected=connected, read_only=self.session.read_only,
                                          translate=translate)
            if name is Name.CLOSE_TAB and got.enabled and self.detail_tabs.current_tab() is None:
                got = actions.Availability(False, self.tr("no job tab in front"))
            self.availability[name] = got
            action.setEnabled(got.enabled)
            keys = f" ({action.shortcut().toString()})" if spec.shortcut else ""
            action.setToolTip(
                f"{action_text(spec.tip)}{keys}"
                + ("" if got.enabled else self.tr(" — not now: {0}").format(got.why))
                + (self._reach(spec, facts) if got.enabled else "")
            )
        self.panel.demo_button.setEnabled(connected and not self.session.read_only)
        # A huge selection takes a while to re-check: do it less often, never most of the UI's time.
        spent_ms = (time.perf_counter() - started) * 1000
        self._enable_timer.setInterval(max(ENABLE_DELAY_MS, int(5 * spent_ms)))

    # -- actions --------------------------------------------------------------------------
    def _focus_filter(self) -> None:
        self.panel.filter_box.setFocus()
        self.panel.filter_box.selectAll()

    @staticmethod
    def _copy() -> None:
        from console.views import edit_commands

        edit_commands.copy(QApplication.focusWidget())

    @staticmethod
    def _select_all() -> None:
        from console.views import edit_commands

        edit_commands.select_all(QApplication.focusWidget())

    def palette_entries(self) -> list[PaletteEntry]:
        """Every action of the table: its label, shortcut, whether it applies to the selection now."""
        from console.views.command_palette import PaletteEntry

        self._update_enabled()
        entries = []
        for name, spec in ACTIONS.items():
            action = self.actions_by_name.get(name)
            if action is None:  # a pod action: performed from a job's detail
                entries.append(PaletteEntry(plain_label(action_text(spec.label)), "", False, self.tr(POD_ACTION_WHY),
                                            action_text(spec.tip), spec.icon))
                continue
            got = self.availability[name]
            entries.append(PaletteEntry(spec.text, action.shortcut().toString(), got.enabled, got.why, spec.tip,
                                        spec.icon, action.trigger, f"action:{name.value}"))
        return entries

    def show_palette(self) -> None:
        from console.views.command_palette import CommandPalette

        model = self.session.jobs_model
        palette = CommandPalette(self.palette_entries(), lambda text, limit: job_search.find_in_columns(
                                     model.columns(), model.rowCount(), text, limit),
                                 self.go_to_job, self, self._lookup_job)
        palette.setObjectName("commandPalette")
        palette.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        palette.open()

    def _lookup_job(self, job_id: str) -> tuple[str, str] | None:
        row = self.session.jobs_model.row_of(job_id)
        if row is None:
            return None
        summary = self.session.jobs_model.summary(row)
        return summary.name, job_row.state_name(summary.status.state)

    def go_to_job(self, job_id: str) -> None:
        """"Open job <name>" from the palette: select its row (shown unless filtered out) and open it."""
        self.panel.select_job(job_id)
        self.open_job(job_id)

    def job_menu(self) -> QMenu:
        """The jobs table's context menu: the table's job actions on the selection."""
        self._update_enabled()
        menu = QMenu(self)
        menu.setObjectName("jobMenu")
        self._fill(menu, actions.JOB_MENU)
        return menu

    def _job_context_menu(self, pos: QPoint) -> None:
        self.context_menu = menu = self.job_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.destroyed.connect(lambda *_a: setattr(self, "context_menu", None))
        menu.popup(pos)

    def _open_current(self) -> None:
        job_id = self.detail_tabs.current_job_id() or self.panel.current_job_id()
        if job_id:
            self.open_job(job_id)

    def open_job(self, job_id: str) -> JobDetail:
        """Show the job's detail in its tab; a job already open is brought to the front rather
        than opened twice, so its streams are not run twice either."""
        return self.detail_tabs.open(job_id)

    def _open_proto_file(self) -> None:
        """File > Open protobuf file…: the editor's own open dialog, in its tab."""
        self.tabs.setCurrentWidget(self.proto_page)
        self.proto_editor.open_button.click()

    def _show_call_panel(self) -> None:
        """Tools ▸ Call: the Protobuf tab with its Call panel open."""
        from console.views.call_panel import ProtobufPage  # (loaded with the tab, not at start-up)

        self.tabs.setCurrentWidget(self.proto_page)
        page = self.call_panel.parentWidget()
        if isinstance(page, ProtobufPage):
            page.show_call_panel(True)
        self.call_panel.setFocus()

    def export_jobs(self) -> None:
        """File > Export…: the jobs as the table shows them (filter, sort, columns) to CSV or JSON."""
        from console.views import export

        self.last_export = export.ask_and_save(self, self.tr("Export jobs"), export.base_name("jobs"),
                                               lambda: export.jobs_records(self.panel), self.tr("jobs"))

    def new_job(self) -> None:
        from console.views.spec_editor import SpecEditorDialog  # with yaml: ~20 ms of start-up

        dialog = SpecEditorDialog(self)
        dialog.setObjectName("newJobDialog")
        dialog.accepted.connect(lambda: self._spawn(self._create(dialog.spec, dialog.idempotency_key)))
        dialog.finished.connect(dialog.deleteLater)  # (after accepted's slots: the deletion is posted)
        dialog.open()

    async def _create(self, spec: job_pb2.JobSpec | None, idempotency_key: str) -> None:
        assert spec is not None
        job_id = await self.session.create_job(spec, idempotency_key)
        messages.info(self.tr("Created job {0} ({1})").format(spec.name, job_id[:8]))
        self.panel.select_job(job_id)

    async def _edit(self) -> None:
        job_ids = self.target_job_ids()
        if len(job_ids) != 1:
            messages.warning(self.tr("Select exactly one job to edit."))
            return
        from console.views.replace_flow import edit_job_flow

        await edit_job_flow(self, self.session, job_ids[0])

    async def _load_demo(self) -> None:
        created = await self.session.load_demo_jobs()
        messages.info(self.tr("Loaded {0} demo job(s)").format(created))

    def _act(self, name: Name) -> None:
        job_ids = self.target_job_ids()
        if job_ids:
            self._spawn(self.run_action(name, job_ids))

    async def confirm(self, request: ConfirmRequest) -> Options | None:
        """The session's confirmer: the dialog naming what the action hits and what it skips, then
        for a restart the batch size.  None: the operator said no."""
        from console.views.dialogs import ask_int, disposable, exec_async

        spec = request.action
        if spec.confirm is not Confirm.NONE:
            from console.views.confirm import ConfirmDialog

            with disposable(ConfirmDialog(self, request)) as dialog:
                dialog.setObjectName("confirmDialog")
                self.last_confirm = dialog
                try:
                    if not await exec_async(dialog):
                        return None
                finally:
                    self.last_confirm = None
                if dialog.batch is not None:  # restart: the batch size was asked inside the confirmation
                    return Options(batch_size=dialog.batch.value())
        if spec.asks_batch:
            batch = await ask_int(
                self, action_text(spec.verb), self.tr("Batch size (instances at a time, 0 = all):"), 1
            )
            if batch is None:
                return None
            return Options(batch_size=batch)
        return Options()

    async def run_action(self, name: Name, job_ids: list[str]) -> Outcome:
        """Perform a job action on the eligible selected jobs with progress; report per job."""
        spec = ACTIONS[name]
        progress: list[QProgressDialog] = []

        def step(done: int, total: int) -> None:
            if not progress:
                dialog = QProgressDialog(
                    self.tr("{0}: 0 of {1}").format(action_text(spec.verb), total), self.tr("Cancel"), 0, total, self
                )
                dialog.setObjectName("actionProgress")
                dialog.setWindowModality(Qt.WindowModality.NonModal)
                dialog.setMinimumDuration(400)
                progress.append(dialog)
            progress[0].setValue(done)
            progress[0].setLabelText(self.tr("{0}: {1} of {2}").format(action_text(spec.verb), done, total))

        outcome = await self.session.perform_on_jobs(
            name, job_ids, on_progress=step, cancelled=lambda: bool(progress) and progress[0].wasCanceled())
        for dialog in progress:
            dialog.close()
        if outcome.failed:
            from console.views.confirm import show_results

            show_results(
                self,
                self.tr("{0} — results").format(action_text(spec.verb)),
                outcome.failed,
                len(outcome.done) + len(outcome.failed),
            )
        if spec.undo is not None and outcome.done_keys and not outcome.failed:
            undo, done = spec.undo, list(outcome.done_keys)
            self._offer_undo(self.tr("%n workflow(s) {0}", "", len(done)).format(action_text(spec.did)),
                             lambda: self.session.perform_on_jobs(undo, done))
        return outcome

    def _offer_undo(self, what: str, undo: Callable[[], Awaitable[Any]]) -> None:
        self._undo = undo
        self.undo_button.setText(self.tr("Undo ({0})").format(what))
        self.undo_button.show()
        self._undo_timer.start()

    def _run_undo(self) -> None:
        undo, self._undo = self._undo, None
        self._clear_undo()
        if undo is not None:
            self._spawn(undo())

    def _clear_undo(self) -> None:
        self.undo_button.hide()

    def _add_profile(self) -> None:
        """Opened, not exec'd: no nested event loop under the qasync one."""
        from console.views.connection_dialog import ConnectionDialog

        dialog = ConnectionDialog(self)
        dialog.accepted.connect(lambda: self._connect_to(dialog.remote()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _connect_to(self, remote: RemoteEngine) -> None:
        name = self.session.add_remote_profile(remote.address, remote.token, remote.tls_ca, remote.insecure)
        if self.profile_box.findText(name) < 0:
            self.profile_box.addItem(name)
        self.profile_box.setCurrentText(name)
        self._spawn(self.session.switch_profile(name))

    # -- settings & closing ---------------------------------------------------------------
    def _restore_settings(self) -> None:
        s = QSettings()
        geometry = s.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        header = s.value("main/header")
        if isinstance(header, QByteArray):
            self.panel.table.horizontalHeader().restoreState(header)
        self.panel.set_filter_text(str(s.value("main/filter", "")))
        chips = s.value("main/chips", [])
        for state in chips if isinstance(chips, list) else [chips]:
            if state in self.panel.chips:
                self.panel.chips[state].setChecked(True)
        # The job tabs open at the last close, opened again once connected to the same engine profile.
        tabs = s.value(SETTING_JOB_TABS, [])
        tabs = tabs if isinstance(tabs, list) else [tabs] if tabs else []
        if str(s.value(SETTING_JOB_TABS_PROFILE, "")) == self.session.profile_name:
            self._tabs_to_restore = [str(t) for t in tabs if t][:MAX_RESTORED_TABS]
            self._tab_to_front = str(s.value(SETTING_JOB_TAB_FRONT, ""))
        self.session.stateChanged.connect(lambda _state, _detail: self._restore_job_tabs_when_connected())
        self._restore_job_tabs_when_connected()

    def _restore_job_tabs_when_connected(self) -> None:
        if self._tabs_to_restore and self.session.state == ConnectionState.CONNECTED:
            ids, self._tabs_to_restore = self._tabs_to_restore, []
            self._spawn(self._restore_job_tabs(ids, self._tab_to_front))

    async def _restore_job_tabs(self, job_ids: list[str], front: str) -> None:
        """Open the saved job tabs, in their order, behind the tab in front; a job that is gone
        (deleted, purged, another engine) is skipped without a word: the operator did not ask now."""
        start_tab = self.tabs.currentIndex()
        for job_id in job_ids:
            try:
                await self.session.get_job(job_id)
            except ClientError as exc:
                log.info("not reopening the tab of job %s: %s", job_id, exc)
                continue
            if self._closing:
                return
            self.detail_tabs.open(job_id, front=False)
        # The job tab that was in front comes to the front again, unless the operator moved meanwhile.
        tab = self.detail_tabs.tab_of(front) if front else None
        if tab is not None and self.tabs.currentIndex() == start_tab:
            self.tabs.setCurrentWidget(tab)

    def save_settings(self) -> None:
        s = QSettings()
        s.setValue("main/geometry", self.window().saveGeometry())  # the frame's, when hosted (console.app)
        s.setValue("main/header", self.panel.table.horizontalHeader().saveState())
        s.setValue("main/filter", self.panel.filter_box.text())
        s.setValue("main/chips", [k for k, chip in self.panel.chips.items() if chip.isChecked()])
        s.setValue(SETTING_JOB_TABS, self.detail_tabs.job_ids() + self._tabs_to_restore)  # (+ not yet reopened)
        s.setValue(SETTING_JOB_TAB_FRONT, self.detail_tabs.current_job_id() or "")
        s.setValue(SETTING_JOB_TABS_PROFILE, self.session.profile_name)
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self._closing:
            # For good (after _close_flow, or a caller that decided already): the job tabs' streams
            # end, nothing started here calls back into the window, and the message bar's sink goes.
            self.detail_tabs.close_all()
            self._tasks.close()
            if messages.current_sink() == self._show_message:
                messages.install_sink(None)
            event.accept()
            return
        event.ignore()
        self._spawn(self._close_flow())

    async def _close_flow(self) -> None:
        """With the embedded engine running jobs or pods, ask: leave it running (it keeps supervising
        the pods) or stop it (its running pods are stopped first: their jobs end KILLED)."""
        if self.session.is_embedded and self.session.state == ConnectionState.CONNECTED:
            active = self.session.active_job_count()
            pods = self.session.running_pod_count()
            if active or pods:
                box = QMessageBox(
                    QMessageBox.Icon.Question,
                    self.tr("Quit Pelorus"),
                    self.tr("The embedded engine is running {0} active job(s) with {1} running pod(s).").format(
                        active, pods
                    ),
                    parent=self,
                )
                box.setObjectName("quitDialog")
                box.setInformativeText(
                    self.tr(
                        "<b>Leave running</b>: the engine keeps running in the background and keeps supervising its "
                        "{0} pod(s) (retries, logs, progress, schedules); Pelorus re-attaches next "
                        "time.<br><br><b>Stop engine</b>: stops the {0} running pod(s) (their jobs end KILLED), then "
                        "the engine. Jobs waiting to start stay pending until it starts again."
                    ).format(pods)
                )
                leave = box.addButton(self.tr("Leave running"), QMessageBox.ButtonRole.AcceptRole)
                stop = box.addButton(self.tr("Stop engine"), QMessageBox.ButtonRole.DestructiveRole)
                stop.setToolTip(self.tr("Stop the {0} running pod(s), then the engine").format(pods))
                box.addButton(QMessageBox.StandardButton.Cancel)
                box.setDefaultButton(leave)
                from console.views.dialogs import exec_async

                await exec_async(box)
                clicked = box.clickedButton()
                box.deleteLater()
                if clicked is stop:
                    from console.views.engine_stop import stop_engine_showing_progress

                    await stop_engine_showing_progress(self.session, self, stop_pods=True)
                elif clicked is not leave:
                    return
        self.save_settings()
        self.detail_tabs.close_all()
        if self._proto is not None:
            self.proto_editor.close_tasks()
            self.call_panel.close_tasks()
        messages.install_sink(None)
        self._closing = True
        self.close()
        self.closed.emit()
