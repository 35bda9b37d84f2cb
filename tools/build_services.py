"""dicom3tools ``sopcl.tpl`` -> mdict ``ServiceProfile`` (mergecom.srv).

One BASE service per SOP class (well-known instances are skipped), with the
DIMSE commands of its service class; one META service per meta SOP class,
holding the SOP classes the standard puts in it. Numbers are handed out
alphabetically, BASE first, then META.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mdict.model import ItemRef, Service, ServiceProfile

from .d3t import read_template
from .merge_names import MergeService


def _pair(*commands: str) -> tuple[str, ...]:
    return tuple(f"{c}_{end}" for c in commands for end in ("RQ", "RSP"))


STORAGE = _pair("C_STORE")
FIND = (*_pair("C_FIND"), "C_CANCEL_RQ")
MOVE = (*_pair("C_MOVE"), "C_CANCEL_RQ")
GET = (*_pair("C_GET"), "C_CANCEL_RQ")
DETACHED = _pair("N_EVENT_REPORT", "N_GET", "N_SET")

NORMALIZED_COMMANDS: dict[str, tuple[str, ...]] = {
    "Verification": _pair("C_ECHO"),
    "BasicStudyContentNotification": STORAGE,
    "StorageCommitmentPushModel": _pair("N_ACTION", "N_EVENT_REPORT"),
    "StorageCommitmentPullModel": _pair("N_ACTION", "N_EVENT_REPORT"),
    "DetachedPatientManagement": DETACHED,
    "DetachedVisitManagement": DETACHED,
    "DetachedStudyManagement": DETACHED,
    "DetachedResultsManagement": DETACHED,
    "DetachedInterpretationManagement": DETACHED,
    "StudyComponentManagement": _pair("N_CREATE", "N_SET", "N_GET"),
    "ModalityPerformedProcedureStep": _pair("N_CREATE", "N_SET"),
    "ModalityPerformedProcedureStepRetrieve": _pair("N_GET"),
    "ModalityPerformedProcedureStepNotification": _pair("N_EVENT_REPORT"),
    "BasicFilmSession": _pair("N_CREATE", "N_SET", "N_DELETE", "N_ACTION"),
    "BasicFilmBox": _pair("N_CREATE", "N_SET", "N_DELETE", "N_ACTION"),
    "BasicGrayscaleImageBox": _pair("N_SET"),
    "BasicColorImageBox": _pair("N_SET"),
    "ReferencedImageBoxRetired": _pair("N_SET"),
    "PrintJob": _pair("N_EVENT_REPORT", "N_GET"),
    "BasicAnnotationBox": _pair("N_SET"),
    "Printer": _pair("N_EVENT_REPORT", "N_GET"),
    "PrinterConfigurationRetrieval": _pair("N_GET"),
    "VOILUTBox": _pair("N_CREATE", "N_DELETE"),
    "PresentationLUTBox": _pair("N_CREATE", "N_DELETE"),
    "ImageOverlayBoxRetired": _pair("N_CREATE", "N_SET", "N_DELETE"),
    "BasicPrintImageOverlayBox": _pair("N_CREATE", "N_SET", "N_DELETE"),
    "PrintQueueManagement": _pair("N_GET", "N_ACTION"),
    "PullPrintRequest": _pair("N_CREATE", "N_ACTION", "N_DELETE", "N_GET"),
    "GeneralPurposeScheduledProcedureStepRetired": _pair("N_SET", "N_ACTION"),
    "GeneralPurposePerformedProcedureStepRetired": _pair("N_CREATE", "N_SET"),
}
"""Normalized and other non-storage service classes (PS3.4), by sopcl.tpl name."""

META_MEMBERS: dict[str, tuple[str, ...]] = {
    "DetachedPatientManagementMeta": ("DetachedPatientManagement", "DetachedVisitManagement"),
    "DetachedStudyManagementMeta": ("DetachedStudyManagement", "StudyComponentManagement"),
    "DetachedResultsManagementMeta": (
        "DetachedResultsManagement",
        "DetachedInterpretationManagement",
    ),
    "BasicGrayscalePrintManagementMeta": (
        "BasicFilmSession",
        "BasicFilmBox",
        "BasicGrayscaleImageBox",
        "Printer",
    ),
    "BasicColorPrintManagementMeta": (
        "BasicFilmSession",
        "BasicFilmBox",
        "BasicColorImageBox",
        "Printer",
    ),
    "ReferencedGrayscalePrintManagementMetaRetired": (
        "BasicFilmSession",
        "BasicFilmBox",
        "BasicGrayscaleImageBox",
        "ReferencedImageBoxRetired",
        "Printer",
    ),
    "ReferencedColorPrintManagementMetaRetired": (
        "BasicFilmSession",
        "BasicFilmBox",
        "BasicColorImageBox",
        "ReferencedImageBoxRetired",
        "Printer",
    ),
    "PullStoredPrintManagementMeta": ("PullPrintRequest", "PrintJob", "Printer"),
    "GeneralPurposeWorklistManagementMetaRetired": (
        "GeneralPurposeWorklistInformationModelFindRetired",
        "GeneralPurposeScheduledProcedureStepRetired",
        "GeneralPurposePerformedProcedureStepRetired",
    ),
}
"""Meta SOP classes and the SOP classes the standard groups in them."""

UID_FIXES: dict[str, str] = {
    "GeneralPurposeWorklistManagementMetaRetired": "1.2.840.10008.5.1.4.32",
    "GeneralPurposeScheduledProcedureStepRetired": "1.2.840.10008.5.1.4.32.2",
    "GeneralPurposePerformedProcedureStepRetired": "1.2.840.10008.5.1.4.32.3",
    "RTBeamsDeliveryInstructionStorage": "1.2.840.10008.5.1.4.34.7",
}
"""sopcl.tpl errors corrected (the source repeats 1.2.840.10008.5.1.1.32 and
has 3.1.4 for 5.1.4 in the General Purpose procedure step UIDs, and the
UID of the UPS Trial service class for RT Beams Delivery Instruction)."""

EXTRA_COMMANDS: dict[str, tuple[str, ...]] = {
    "ProceduralEventLogging": _pair("N_ACTION"),
    "SubstanceAdministrationLogging": _pair("N_ACTION"),
    "MediaCreationManagement": _pair("N_CREATE", "N_ACTION", "N_GET"),
    "DisplaySystem": _pair("N_GET"),
    "InstanceAvailabilityNotification": _pair("N_CREATE"),
    "InventoryCreation": _pair("N_ACTION", "N_GET"),
    "RepositoryQuery": FIND,
    "UnifiedProcedureStepPush": _pair("N_CREATE", "N_ACTION", "N_GET"),
    "UnifiedProcedureStepPull": (*_pair("C_FIND", "N_GET", "N_SET", "N_ACTION"), "C_CANCEL_RQ"),
    "UnifiedProcedureStepWatch": (*_pair("N_ACTION", "N_GET", "C_FIND"), "C_CANCEL_RQ"),
    "UnifiedProcedureStepEvent": _pair("N_EVENT_REPORT"),
    "UnifiedProcedureStepQuery": FIND,
    "RTConventionalMachineVerification": _pair(
        "N_CREATE", "N_SET", "N_GET", "N_ACTION", "N_DELETE", "N_EVENT_REPORT"
    ),
    "RTIonMachineVerification": _pair(
        "N_CREATE", "N_SET", "N_GET", "N_ACTION", "N_DELETE", "N_EVENT_REPORT"
    ),
    "GeneralRelevantPatientInformationQuery": FIND,
    "BreastImagingRelevantPatientInformationQuery": FIND,
    "CardiacRelevantPatientInformationQuery": FIND,
    "ProductCharacteristicsQuery": FIND,
    "SubstanceApprovalQuery": FIND,
}
"""PS3.4 service classes of SOP classes sopcl.tpl does not list (by pydicom
keyword; a ``Trial`` variant takes the same commands)."""

NOT_DIMSE = ("RealTimeCommunication",)
"""Keyword endings of SOP classes that are not exchanged by DIMSE (DICOM-RTV)."""

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z][a-z]+|[0-9]+[A-Z]?(?![a-z])|[0-9]+|[a-z]+")
_STORAGE_SUFFIX = re.compile(r"Storage(?=(?:For[A-Z][a-z]+|Trial|Retired)?$)")


@dataclass(frozen=True, slots=True)
class SopClass:
    """One SOP class line of sopcl.tpl."""

    name: str
    description: str
    uid: str
    where: str

    @property
    def is_meta(self) -> bool:
        return self.name in META_MEMBERS


@dataclass
class ServicesReport:
    skipped: list[str] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)


ACRONYM_SPLITS: dict[str, str] = {
    "CADSR": "CAD_SR",
    "XAXRF": "XA_XRF",
    "VOILUT": "VOI_LUT",
    "DICOSCT": "DICOS_CT",
}
"""Runs of capitals that are two acronyms in one."""


def upper_snake_words(text: str) -> str:
    """``XRay3DAngiographicImage`` -> ``X_RAY_3D_ANGIOGRAPHIC_IMAGE``."""
    words = (w.upper() for w in _WORD.findall(text))
    return "_".join(ACRONYM_SPLITS.get(w, w) for w in words)


def service_name(sop_class_name: str) -> str:
    """Merge-style service name of a sopcl.tpl SOP class name.

    ``QueryRetrieveInformationModel`` becomes ``QR``, ``InformationModel`` and
    ``SOPClass`` are dropped, and ``Storage`` is dropped when it ends the
    name or comes just before ``For...``, ``Trial`` or ``Retired``.
    """
    text = sop_class_name.removesuffix("SOPClass")
    text = text.replace("QueryRetrieveInformationModel", "QR")
    text = text.replace("InformationModel", "")
    text = _STORAGE_SUFFIX.sub("", text)
    return upper_snake_words(text)


def read_sop_classes(path: Path, report: ServicesReport) -> list[SopClass]:
    """SOP classes in file order; instances and repeated UIDs are skipped."""
    found: list[SopClass] = []
    uids: dict[str, SopClass] = {}
    for line in read_template(path):
        name, uid = line.get("Name"), line.get("Uid")
        if name is None or uid is None or line.get("Type") == "Instance":
            continue
        if name in UID_FIXES and uid != UID_FIXES[name]:
            report.fixed.append(f"{name}: UID {uid} -> {UID_FIXES[name]}")
            uid = UID_FIXES[name]
        sop = SopClass(name, line.get("Desc") or name, uid, f"{path.name}:{line.line}")
        if uid in uids:
            report.skipped.append(
                f"{sop.where}: {name} has the UID {uid} of {uids[uid].name} "
                f"({uids[uid].where}); kept the first"
            )
            continue
        uids[uid] = sop
        found.append(sop)
    return found


def commands_for(sop: SopClass) -> tuple[str, ...] | None:
    """The DIMSE commands of a BASE SOP class; None when its class is unknown."""
    if sop.name in NORMALIZED_COMMANDS:
        return NORMALIZED_COMMANDS[sop.name]
    if sop.name.removesuffix("Retired") in NORMALIZED_COMMANDS:
        return NORMALIZED_COMMANDS[sop.name.removesuffix("Retired")]
    extra = EXTRA_COMMANDS.get(sop.name.removesuffix("Retired").removesuffix("Trial"))
    if extra is not None:
        return extra
    if re.search(r"Find(Retired)?$", sop.name):
        return FIND
    if re.search(r"Move(Retired)?$", sop.name):
        return MOVE
    if re.search(r"Get(Retired)?$", sop.name):
        return GET
    if "Storage" in sop.name or sop.name.endswith("InfoObject"):
        return STORAGE
    return None


def extra_sop_classes(known: Iterable[SopClass], report: ServicesReport) -> list[SopClass]:
    """SOP classes of pydicom's UID dictionary (PS3.6) that sopcl.tpl lacks;
    those not exchanged by DIMSE are reported, not returned."""
    from pydicom._uid_dict import UID_dictionary

    uids = {sop.uid for sop in known}
    found: list[SopClass] = []
    for uid, (description, kind, _, retired, keyword) in sorted(UID_dictionary.items()):
        if kind not in ("SOP Class", "Meta SOP Class") or uid in uids:
            continue
        where = "pydicom UID dictionary"
        if not keyword:
            report.skipped.append(f"{where}: {uid} {description}: no keyword (retired)")
            continue
        if keyword.endswith(NOT_DIMSE):
            report.skipped.append(f"{where}: {keyword}: DICOM-RTV, not a DIMSE service")
            continue
        name = keyword + ("Retired" if retired and not keyword.endswith("Trial") else "")
        found.append(SopClass(name, description, uid, where))
    return found


def build_services(
    sop_classes: Iterable[SopClass],
    items: Iterable[str],
    report: ServicesReport,
    merge: Mapping[str, MergeService] | None = None,
) -> tuple[ServiceProfile, dict[str, str]]:
    """BASE services by name, then META services by name, then the item
    table; and mdict name -> name in the profile for every service.

    A service takes Merge's name for its SOP Class UID where ``merge`` has
    one, mdict's own name (``service_name``) elsewhere.
    """
    merge = merge or {}
    base: dict[str, tuple[SopClass, tuple[str, ...]]] = {}
    meta: dict[str, SopClass] = {}
    renamed: dict[str, str] = {}
    for sop in sop_classes:
        own = service_name(sop.name)
        known = merge.get(sop.uid)
        name = known.name if known is not None else own
        if name in base or name in meta:
            report.skipped.append(f"{sop.where}: {sop.name}: service name {name} already used")
            continue
        renamed[own] = name
        if sop.is_meta:
            meta[name] = sop
            continue
        commands = commands_for(sop)
        if commands is None:
            report.skipped.append(f"{sop.where}: {sop.name}: no known DIMSE service class")
            continue
        base[name] = (sop, commands)
    numbers = {base[n][0].name: i for i, n in enumerate(sorted(base), 1)}
    services = [
        Service(numbers[sop.name], name, "BASE", sop.uid, sop.description, commands)
        for name, (sop, commands) in base.items()
    ]
    for i, name in enumerate(sorted(meta), len(base) + 1):
        sop = meta[name]
        members = tuple(numbers[m] for m in META_MEMBERS[sop.name] if m in numbers)
        missing = [m for m in META_MEMBERS[sop.name] if m not in numbers]
        if missing:
            report.skipped.append(f"{sop.where}: {sop.name}: members not found: {missing}")
        services.append(Service(i, name, "META", sop.uid, sop.description, sop_classes=members))
    item_refs = tuple(ItemRef(n, i) for i, n in enumerate(sorted(items), 1))
    profile = ServiceProfile(tuple(sorted(services, key=lambda s: s.number)), item_refs)
    return profile, renamed
