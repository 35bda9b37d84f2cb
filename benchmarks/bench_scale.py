"""The Dask engine against the local engine, side by side in one run.

    python benchmarks/bench_scale.py [--sizes 5000 10000 20000] [--workers 2]

Generates the largest number of small DICOM files (CT images of 16x16
pixels, three variants: valid-ish, a bad enumerated value, a missing type 1
attribute) in folders of 1,000, then for each size runs ``mdict validate
--output results.jsonl`` through the local engine (``-j WORKERS``) and
through the Dask engine (a LocalCluster of WORKERS processes), each in a
fresh child process that reports its wall time, the time to start its
engine, and its own peak memory (``ru_maxrss``: the client only, not the
workers). Prints a table, the Dask/local throughput ratio and the per-file
cost (for the 10-million-file plan in docs/scale.md).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CT = "1.2.840.10008.5.1.4.1.1.2"
PER_FOLDER = 1000


def template(variant: int) -> bytes:
    """The bytes of one small CT file (``variant`` 0, 1 or 2, see the module doc)."""
    from io import BytesIO

    ds = Dataset()
    ds.SOPClassUID, ds.SOPInstanceUID = CT, generate_uid()
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.StudyDate = ds.ContentDate = "20240131"
    ds.StudyTime = ds.ContentTime = "120000"
    ds.Modality, ds.Manufacturer = "CT", "mdict"
    ds.PatientName, ds.PatientID = "Bench^Scale", "S1"
    ds.PatientSex = "X" if variant == 1 else "M"
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.Rows = ds.Columns = 16
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.RescaleIntercept, ds.RescaleSlope, ds.KVP = "0", "1", "120"
    ds.PixelData = bytes(2 * 16 * 16)
    if variant == 2:
        del ds.Rows
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = CT
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    out = BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def generate(folder: Path, count: int) -> list[Path]:
    """``count`` files in folders of 1,000; the folder list."""
    variants = [template(v) for v in range(3)]
    folders = []
    for start in range(0, count, PER_FOLDER):
        part = folder / f"part{start // PER_FOLDER:03d}"
        part.mkdir(parents=True, exist_ok=True)
        folders.append(part)
        for i in range(start, min(count, start + PER_FOLDER)):
            (part / f"img{i:06d}.dcm").write_bytes(variants[i % 3])
    return folders


def child(engine: str, workers: int, output: str, folders: list[str]) -> None:
    """One measured run in this process; prints one JSON line."""
    from mdict.scale.command import Plan, run_validate
    from mdict.scale.entries import Filters
    from mdict.scale.run import open_engine
    from mdict.scale.source import DatabaseSource
    from mdict.scale.tasks import Options

    started = time.perf_counter()
    running = open_engine(engine, None, workers)  # start-up cost, measured apart
    startup = time.perf_counter() - started
    plan = Plan(tuple(folders), None, output, False, "text", engine, None, workers, 64)
    filters = Filters(1, frozenset(), frozenset())
    source, options = DatabaseSource.default(), Options(level="warnings")
    began = time.perf_counter()
    cpu_before = _cpu(running)
    with open(os.devnull, "w") as sink:
        stdout, sys.stdout = sys.stdout, sink
        try:
            run_validate(plan, source, options, filters, None, running)
            wall = time.perf_counter() - began
            worker_mb = _worker_memory(running)
            client_cpu, worker_cpu = (a - b for a, b in zip(_cpu(running), cpu_before, strict=True))
        finally:
            sys.stdout = stdout
            running.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB -> MB (Linux)
    data = {"wall": wall, "startup": startup, "peak_mb": peak, "worker_mb": worker_mb}
    print(json.dumps(data | {"client_cpu": client_cpu, "worker_cpu": worker_cpu}))


def _cpu_seconds() -> float:
    import psutil

    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


def _cpu(engine: object) -> tuple[float, float]:
    """(CPU seconds of this process, of the Dask workers; for the local
    engine, of its finished worker processes)."""
    here = resource.getrusage(resource.RUSAGE_SELF)
    client = getattr(engine, "client", None)
    if client is None:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return here.ru_utime + here.ru_stime, children.ru_utime + children.ru_stime
    workers = sum(client.run(_cpu_seconds).values())
    return here.ru_utime + here.ru_stime, workers


def _rss_mb() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss) / 2**20


def _worker_memory(engine: object) -> float:
    """The largest resident memory of a Dask worker now (0 for the local engine)."""
    client = getattr(engine, "client", None)
    if client is None:
        return 0.0
    return max(client.run(_rss_mb).values())


def measure(engine: str, workers: int, folders: list[Path], out: Path) -> dict[str, float]:
    out.unlink(missing_ok=True)
    command = [sys.executable, __file__, "--child", engine, "--workers", str(workers)]
    command += ["--output", str(out), *map(str, folders)]
    result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    data: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    with out.open() as handle:
        data["lines"] = sum(1 for _ in handle)
    data["bytes"] = out.stat().st_size
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 10000, 20000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--child", choices=["local", "dask"])
    parser.add_argument("--output")
    parser.add_argument("folders", nargs="*")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.workers, args.output, args.folders)
        return
    with tempfile.TemporaryDirectory(prefix="mdict-bench-scale-") as tmp:
        began = time.perf_counter()
        folders = generate(Path(tmp, "files"), max(args.sizes))
        print(f"generated {max(args.sizes)} files in {time.perf_counter() - began:.1f} s")
        print("files   engine  wall s  files/s  start s  client peak MB  worker MB  output MB")
        for size in args.sizes:
            chosen = folders[: (size + PER_FOLDER - 1) // PER_FOLDER]
            rates = {}
            for engine in ("local", "dask"):
                data = measure(engine, args.workers, chosen, Path(tmp, f"{engine}.jsonl"))
                assert data["lines"] == size, data
                rates[engine] = size / data["wall"]
                print(
                    f"{size:>6}  {engine:<6} {data['wall']:>7.1f} {rates[engine]:>8.0f} "
                    f"{data['startup']:>8.1f} {data['peak_mb']:>15.0f} {data['worker_mb']:>10.0f}"
                    f" {data['bytes'] / 1e6:>10.1f}"
                )
            worker_ms = 1000 * data["worker_cpu"] / size
            client_ms = 1000 * data["client_cpu"] / size
            print(
                f"{size:>6}  dask/local throughput {rates['dask'] / rates['local']:.0%}; "
                f"per file: {worker_ms:.2f} ms CPU on a worker, {client_ms:.2f} ms CPU on the "
                f"client; output {data['bytes'] / size:.0f} bytes (JSON Lines)"
            )


if __name__ == "__main__":
    main()
