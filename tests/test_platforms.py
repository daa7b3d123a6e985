"""What runs on Windows: the POSIX-only calls have fallbacks, tried here with fcntl and os.getuid taken away.

This machine is Linux, so the Windows C runtime's `msvcrt.locking` is stood in for by a module of the same name
whose byte-range locks are real (POSIX record locks over the same byte, across processes). The code under test is
the fallback path itself: it imports without fcntl, locks, appends and fsyncs check-ins, refuses a second upload
of one data dir while the first holds the lock, and uses the station cache without a user id.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import ROOT

FAKE_MSVCRT = '''
import fcntl as _posix
LK_UNLCK, LK_LOCK, LK_NBLCK, LK_RLCK, LK_NBRLCK = 0, 1, 2, 3, 4
def locking(fd, mode, nbytes):
    """As Windows': lock or unlock nbytes from the current position; OSError when another process holds them."""
    import os
    start = os.lseek(fd, 0, os.SEEK_CUR)
    try:
        if mode == LK_UNLCK:
            _posix.lockf(fd, _posix.LOCK_UN, nbytes, start)
        else:
            _posix.lockf(fd, _posix.LOCK_EX | _posix.LOCK_NB, nbytes, start)
    except BlockingIOError as err:
        raise PermissionError(13, "Permission denied") from err
'''

AS_ON_WINDOWS = '''
import sys, os
import msvcrt  # the stand-in, imported before fcntl is hidden
sys.modules["fcntl"] = None  # `import fcntl` now raises ImportError, as on Windows
del os.getuid
'''


def run_as_windows(tmp_path: Path, body: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "fake").mkdir(exist_ok=True)
    (tmp_path / "fake" / "msvcrt.py").write_text(FAKE_MSVCRT, encoding="utf-8")
    code = AS_ON_WINDOWS + textwrap.dedent(body)
    env = {"PYTHONPATH": f"{tmp_path / 'fake'}:{ROOT}", "PATH": "/usr/bin:/bin", "YIZHAN_LANG": "en"}  # the messages as written
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False)


def test_check_ins_are_stored_without_fcntl(tmp_path: Path) -> None:
    result = run_as_windows(tmp_path, f'''
        from pathlib import Path
        import yizhan.durable as durable
        assert durable.fcntl is None
        from yizhan.checkins.records import COLUMNS
        from yizhan.checkins.store import CheckinStore
        store = CheckinStore(Path({str(tmp_path / "data")!r}))
        store.open()
        for i in range(3):
            store.add({{c: f"{{c}}-{{i}}" for c in COLUMNS}})
        print(len(store.rows()))
    ''')
    assert (result.returncode, result.stdout, result.stderr) == (0, "3\n", "")
    assert (tmp_path / "data" / "checkins.csv").read_bytes().count(b"\n") == 4  # the header and three rows


def test_a_second_upload_of_one_data_dir_is_refused_without_fcntl(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    holder = subprocess.Popen([sys.executable, "-c", AS_ON_WINDOWS + textwrap.dedent(f'''
        import sys, time
        from pathlib import Path
        from yizhan.checkins.upload import upload_lock
        with upload_lock(Path({str(tmp_path / "data")!r})):
            print("locked", flush=True)
            sys.stdin.readline()
    ''')], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={"PYTHONPATH": f"{tmp_path / 'fake'}:{ROOT}"}, cwd=tmp_path)  # fmt: skip
    try:
        (tmp_path / "fake").mkdir(exist_ok=True)
        (tmp_path / "fake" / "msvcrt.py").write_text(FAKE_MSVCRT, encoding="utf-8")
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        body = f'''
            from pathlib import Path
            from yizhan.checkins.upload import upload_lock
            from yizhan.errors import YizhanError
            try:
                with upload_lock(Path({str(tmp_path / "data")!r})):
                    print("got it")
            except YizhanError as err:
                print(err)
        '''
        result = run_as_windows(tmp_path, body)
        assert result.stdout == f"{tmp_path / 'data'}: an upload of this data dir is already running\n", result.stderr
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    assert run_as_windows(tmp_path, body).stdout == "got it\n"  # released when the first one ended


def test_the_station_cache_works_without_a_user_id(tmp_path: Path) -> None:
    body = f'''
        from pathlib import Path
        from yizhan.stations.cache import network_and_saver
        for _ in range(2):
            network, save = network_and_saver(Path({str(ROOT / "stations")!r}), "stations", Path({str(tmp_path / "cache.pickle")!r}), racy_ns=0)
            save()
            print(len(network))
        from yizhan.stations.cache import _read, cache_key
        print(len(_read(Path({str(tmp_path / "cache.pickle")!r}), cache_key())))  # the entries a third run would reuse
    '''
    result = run_as_windows(tmp_path, body)
    assert (result.returncode, result.stdout, result.stderr) == (0, "77\n77\n77\n", "")
    assert (tmp_path / "cache.pickle").is_file()
