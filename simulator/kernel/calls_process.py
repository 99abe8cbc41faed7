"""Processes: spawn, exit, and their ``/proc/PID`` entries."""

from __future__ import annotations

from simulator.errors import InvalidArgument
from simulator.kernel import errno_table as errno
from simulator.kernel.base import KernelBase
from simulator.kernel.errno_util import os_error
from simulator.kernel.inode import Kind, check_id
from simulator.kernel.process import UNSET_ID, Process

SIGKILL, SIGTERM = 9, 15
KTHREADD_PID = 2
# Programs that ignore a signal, so it does not end them: an interactive bash ignores SIGTERM.
IGNORED_SIGNALS: dict[str, frozenset[int]] = {"bash": frozenset({SIGTERM})}


class ProcessCalls(KernelBase):
    def spawn(
        self,
        *,
        comm: str,
        argv: tuple[str, ...],
        exe: str,
        uid: int,
        gid: int,
        context: str,
        groups: tuple[int, ...] = (),
        ppid: int = 1,
        ns_id: int | None = None,
        cwd: str = "/",
        pid: int | None = None,
        auid: int = UNSET_ID,
        ses: int = UNSET_ID,
        tty: str | None = None,
    ) -> Process:
        """A new process; its pid comes from the counter unless the host builder fixes it."""
        check_id(uid, "uid")
        check_id(gid, "gid")
        if pid is None:
            pid = self.counters.pid()
        if pid in self.processes:
            raise InvalidArgument(f"pid {pid} is in use")
        if ns_id is None:
            ns_id = self.process(ppid).ns_id
        if ns_id not in self.namespaces:
            raise InvalidArgument(f"no mount namespace {ns_id}")
        proc = Process(
            pid=pid,
            ppid=ppid,
            comm=comm[:15],
            argv=argv,
            exe=exe,
            uid=uid,
            gid=gid,
            groups=groups,
            context=context,
            ns_id=ns_id,
            cwd=cwd,
            auid=auid,
            ses=ses,
            tty=tty,
            start_time=self.clock.now,
        )
        self.processes[pid] = proc
        self.ns_users.setdefault(ns_id, set()).add(pid)
        self._add_proc_entries(proc)
        return proc

    def exit(self, pid: int) -> None:
        """The process ends; a mount namespace nobody uses any more goes with it."""
        proc = self.process(pid)
        del self.processes[pid]
        users = self.ns_users.get(proc.ns_id)
        if users is not None:
            users.discard(pid)
            if not users:
                del self.ns_users[proc.ns_id]
        self.exits += 1
        self.exited_pids.append(pid)
        self._remove_proc_entries(pid)
        if self.audit.daemon_pid == pid:
            self.audit.daemon_pid = None
        self.release_namespace(proc.ns_id)

    def kill(self, caller: Process, pid: int, signal: int = SIGTERM) -> None:
        """Every modelled signal's default action ends the process, with these exceptions."""
        target = self.process(pid)
        if not (caller.uid == 0 or caller.uid == target.uid):
            raise os_error(errno.EPERM)
        # kernel/signal.c sig_task_ignored(): init is SIGNAL_UNKILLABLE and kernel threads
        # have no handlers, so a signal from user space is dropped; kill(2) still succeeds.
        if pid == 1 or target.ppid == KTHREADD_PID:
            return
        if signal in IGNORED_SIGNALS.get(target.comm, frozenset()):
            return
        self.exit(pid)

    # -- /proc --------------------------------------------------------------------------------

    def _add_proc_entries(self, proc: Process) -> None:
        if self.proc_fs_id is None:
            return
        fs = self.filesystems[self.proc_fs_id]
        root = fs.root
        assert root.entries is not None
        now = self.clock.now
        directory = fs.allocate(Kind.DIRECTORY, proc.uid, proc.gid, 0o555, now)
        directory.nlink = 2
        directory.parent = root.ino
        link = fs.allocate(Kind.SYMLINK, proc.uid, proc.gid, 0o777, now)
        link.nlink = 1
        link.magic_root_pid = proc.pid
        assert directory.entries is not None
        directory.entries["root"] = link.ino
        root.entries[str(proc.pid)] = directory.ino
        root.nlink += 1
        fs.names_changed()

    def _remove_proc_entries(self, pid: int) -> None:
        if self.proc_fs_id is None:
            return
        fs = self.filesystems[self.proc_fs_id]
        root = fs.root
        assert root.entries is not None
        ino = root.entries.pop(str(pid), None)
        if ino is None:
            return
        fs.names_changed()
        directory = fs.inodes.pop(ino)
        assert directory.entries is not None
        for child in directory.entries.values():
            fs.inodes.pop(child, None)
        root.nlink -= 1
