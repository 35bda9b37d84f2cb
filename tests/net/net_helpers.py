"""Shared helpers of the network tests: data sets as real applications send
them, and a pynetdicom SCU on loopback with every wait bounded."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any, Final

from pydicom import examples
from pydicom.dataset import Dataset
from pydicom.uid import generate_uid
from pynetdicom import AE, evt
from pynetdicom.dimse_primitives import C_STORE
from pynetdicom.dsutils import encode

from mdict.net.scp import no_delay

CT_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
VERIFICATION = "1.2.840.10008.1.1"
WORKLIST = "1.2.840.10008.5.1.4.31"
STUDY_ROOT_FIND = "1.2.840.10008.5.1.4.1.2.2.1"
MPPS = "1.2.840.10008.3.1.2.3.3"
COMMITMENT = "1.2.840.10008.1.20.1"
TIMEOUT = 10


def ct(uid: str | None = None) -> Dataset:
    """pydicom's CT_small (a real GE CT image), with a fresh SOP Instance UID."""
    ds = examples.ct
    ds.SOPInstanceUID = uid or generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    return ds


def defective_ct() -> Dataset:
    """CT_small without Patient's Name (type 2: REQUIRED_ATTRIBUTE_MISSING)."""
    ds = ct()
    del ds.PatientName
    return ds


def client(*contexts: str, ae_title: str = "TESTSCU") -> AE:
    ae = AE(ae_title=ae_title)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = TIMEOUT
    for uid in contexts:
        ae.add_requested_context(uid)
    return ae


@contextlib.contextmanager
def associated(port: int, *contexts: str, **options: object) -> Iterator[object]:
    """An established association to 127.0.0.1:port, released at the end.
    Without ``evt_handlers`` the SCU serves no requests (see sending_only)."""
    requests = options.pop("evt_handlers", [])
    handlers = [(evt.EVT_CONN_OPEN, no_delay), *requests]  # type: ignore[misc]
    assoc = client(*contexts).associate("127.0.0.1", port, evt_handlers=handlers, **options)
    assert assoc.is_established, "association rejected or timed out"
    if not requests:
        sending_only(assoc)
    try:
        yield assoc
    finally:
        if assoc.is_established:
            assoc.release()


def sending_only(assoc: Any) -> None:
    """Keep an SCU's reactor thread off the DIMSE queue: an SCU that serves
    no requests; under load pynetdicom's requestor reactor can otherwise take
    a response before send_c_store does (it then waits out its timeout)."""
    blocking = assoc.dimse.get_msg

    def get_msg(block: bool = False) -> Any:
        return blocking(block=True) if block else (None, None)

    assoc.dimse.get_msg = get_msg


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def dcmtk(tool: str) -> str | None:
    """DCMTK's ``tool`` (pynetdicom installs scripts of the same names:
    the one whose --version names DCMTK)."""
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        path = Path(folder, tool)
        if not path.is_file() or not os.access(path, os.X_OK):
            continue
        try:
            out = subprocess.run(
                [str(path), "--version"], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if "dcmtk" in (out.stdout + out.stderr).lower():
            return str(path)
    fallback = shutil.which(tool, path="/usr/bin")
    return fallback if fallback and "pyenv" not in fallback else None


IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false")


def dcmtk_tool(name: str) -> str:
    """DCMTK's ``name``; skips the test where DCMTK is not installed, fails
    it under CI (CI installs DCMTK: .ci/run)."""
    import pytest

    path = dcmtk(name)
    if path is None:
        if IN_CI:
            pytest.fail(f"DCMTK's {name} is not installed (CI must run these tests)")
        pytest.skip(f"DCMTK's {name} is not installed")
    return path


def worklist_item(
    patient: str = "DOE^JANE", modality: str = "CT", date: str = "20250101"
) -> Dataset:
    """A Modality Worklist entry as a RIS holds it."""
    ds = Dataset()
    ds.PatientName = patient
    ds.PatientID = "PID-" + patient.split("^")[0]
    ds.AccessionNumber = "ACC1"
    step = Dataset()
    step.Modality = modality
    step.ScheduledStationAETitle = "CT01"
    step.ScheduledProcedureStepStartDate = date
    step.ScheduledProcedureStepID = "SPS1"
    ds.ScheduledProcedureStepSequence = [step]
    ds.StudyInstanceUID = generate_uid()
    return ds


def worklist_query(modality: str = "CT", date: str = "") -> Dataset:
    """A worklist query as a modality sends it: return keys empty, matching
    keys in the Scheduled Procedure Step Sequence."""
    ds = Dataset()
    ds.PatientName = ""
    ds.PatientID = ""
    ds.AccessionNumber = ""
    ds.StudyInstanceUID = ""
    step = Dataset()
    step.Modality = modality
    step.ScheduledStationAETitle = ""
    step.ScheduledProcedureStepStartDate = date
    step.ScheduledProcedureStepID = ""
    ds.ScheduledProcedureStepSequence = [step]
    return ds


def send_raw_store(
    assoc: Any, data: bytes, class_uid: str, instance_uid: str, msg_id: int = 1
) -> Any:
    """Send a C-STORE whose data set is ``data`` as given (a fault pynetdicom's
    send_c_store cannot make); return the response (None on timeout)."""
    context = next(c for c in assoc.accepted_contexts if c.abstract_syntax == class_uid)
    request = C_STORE()
    request.MessageID = msg_id
    request.AffectedSOPClassUID = class_uid
    request.AffectedSOPInstanceUID = instance_uid
    request.Priority = 2
    request.DataSet = BytesIO(data)
    assoc._reactor_checkpoint.clear()  # as pynetdicom's send_* do: the reply is ours
    deadline = time.monotonic() + TIMEOUT
    while not assoc._is_paused and time.monotonic() < deadline:
        time.sleep(0.0001)
    try:
        assoc.dimse.send_msg(request, context.context_id)
        _, response = assoc.dimse.get_msg(block=True)
    finally:
        assoc._reactor_checkpoint.set()
    return response


DEFLATED: Final = "1.2.840.10008.1.2.1.99"  # Deflated Explicit VR Little Endian


def send_undecodable(port: int) -> int:
    """A C-STORE whose deflated data set cannot be inflated; the status answered."""
    ae = client()
    ae.add_requested_context(CT_STORAGE, [DEFLATED])
    assoc = ae.associate("127.0.0.1", port)
    assert assoc.is_established
    try:
        response = send_raw_store(assoc, b"this is no deflate stream", CT_STORAGE, "1.2.3.7")
        return int(response.Status)
    finally:
        assoc.release()


def encoded(ds: Dataset, implicit: bool = True) -> bytes:
    data = encode(ds, implicit, True)
    assert data is not None
    return data


class ScpProcess:
    """``mdict scp`` in a subprocess on a free port of 127.0.0.1."""

    def __init__(self, *args: str, cwd: Path | None = None) -> None:
        command = [sys.executable, "-m", "mdict", "scp", "--port", "0", *args]
        self.process = subprocess.Popen(
            command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert self.process.stderr is not None
        first = self.process.stderr.readline()  # blocks until the SCP listens (or dies)
        match = re.search(r"listening on 127\.0\.0\.1:(\d+)", first)
        if match is None:
            self.process.kill()
            raise AssertionError(f"mdict scp did not start: {first}{self.process.stderr.read()}")
        self.port = int(match.group(1))

    def stop(self, signum: int = signal.SIGTERM) -> tuple[int, str, str]:
        """Send ``signum``; the exit status, stdout and the rest of stderr."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            out, err = self.process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
            raise AssertionError(f"mdict scp did not stop: {out}{err}") from None
        return self.process.returncode, out, err


@contextlib.contextmanager
def scp_process(*args: str, cwd: Path | None = None) -> Iterator[ScpProcess]:
    process = ScpProcess(*args, cwd=cwd)
    try:
        yield process
    finally:
        if process.process.poll() is None:
            process.process.kill()
            process.process.communicate()
