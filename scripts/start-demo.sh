#!/usr/bin/env bash
# Install the program on a fresh Debian/Ubuntu machine and start it on a demo case file.
# The demo data lives in ~/workstation-demo (or $WORKSTATION_DATA_DIR); it is made once.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

need_debs $QT_RUNTIME_DEBS $QT_DESKTOP_DEBS
make_venv ""
data_dir="${WORKSTATION_DATA_DIR:-$HOME/workstation-demo}"
# The case file is encrypted; its key goes into the OS keyring. A headless box has none: for the
# demo data only, a fixed passphrase stands in (never do this with real case files).
if ! .venv/bin/python -c "import sys; from workstation.secrets import keyring_available; sys.exit(not keyring_available())"; then
    export WORKSTATION_PASSPHRASE="${WORKSTATION_PASSPHRASE:-demo-passphrase}"
fi
if [ ! -e "$data_dir/casefile.sqlite3" ]; then
    .venv/bin/workstation demo --cases "${DEMO_CASES:-2000}" --data-dir "$data_dir"
fi
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "没有图形桌面（DISPLAY 未设置）：改为离屏渲染各个界面，图片保存在 out/screens/。"
    QT_QPA_PLATFORM=offscreen .venv/bin/python -m ui.snapshots out/screens
    exit 0
fi
if [ ! -e "$data_dir/accounts.json" ]; then
    echo "第一次启动：请先建立登录账号（用户名、姓名、密码），演示案件数据归入这个账号。"
fi
exec .venv/bin/workstation --data-dir "$data_dir"
