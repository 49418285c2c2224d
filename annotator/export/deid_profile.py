"""The parts of the PS3.15 Basic Application Level Confidentiality Profile that dicognito leaves out.

dicognito (ADR 0002) replaces every person name (PN), every instance UID,
the listed IDs, the institution and the addresses with consistent dummies and
shifts every date and time by one offset per export, all of them in nested
sequence items too. It does not remove what PS3.15 Table E.1-1 says to
remove (action X, and the X/Z, X/D, X/Z/D families): free-text
descriptions and comments, physicians and operators, admission and
procedure-step data, device serial numbers, icon images, overlays and
curves. This module encodes those actions (keywords of Table E.1-1,
PS3.15 2024; only the attributes an X-ray image, a presentation state, a
secondary capture or an SR can carry, plus the patient, visit and request
attributes any object can carry) and applies them to the dataset and to
every item of every nested sequence.

Options declared by :class:`annotator.export.deid.DicomDeidentifier`:

- *Retain Patient Characteristics* (113108): PatientAge and PatientSex stay
  (domain.md §9: "70-year-old man"); size, weight and ethnic group go;
- *Retain Longitudinal Temporal Information with Modified Dates* (113107):
  study, series, acquisition and content dates are shifted by dicognito, never
  kept; the birth date is not a longitudinal date: emptied (action Z).

Not touched although Table E.1-1 lists them with action D: ContentSequence
(SR) and GraphicAnnotationSequence (GSPS) — they are written by this tool
from text that was scrubbed of identity first, and they are what the export
is for.
"""

from __future__ import annotations

from typing import Any

# Action X (and X/Z, X/D, X/Z/D where the attribute is optional, Type 3, in our IODs): removed.
REMOVE = frozenset({
    # patient
    "PatientBirthTime", "OtherPatientIDs", "OtherPatientIDsSequence", "OtherPatientNames",
    "PatientBirthName", "PatientMotherBirthName", "PatientAddress", "PatientTelephoneNumbers",
    "PatientTelecomInformation", "IssuerOfPatientID", "IssuerOfPatientIDQualifiersSequence",
    "PatientInsurancePlanCodeSequence", "PatientPrimaryLanguageCodeSequence",
    "PatientPrimaryLanguageModifierCodeSequence", "PatientReligiousPreference", "PatientComments",
    "PatientSize", "PatientWeight", "EthnicGroup", "Occupation", "MilitaryRank", "BranchOfService",
    "MedicalRecordLocator", "MedicalAlerts", "Allergies", "AdditionalPatientHistory", "SmokingStatus",
    "PregnancyStatus", "LastMenstrualDate", "PatientState", "SpecialNeeds", "ResponsiblePerson",
    "ResponsibleOrganization", "RegionOfResidence", "CountryOfResidence", "InsurancePlanIdentification",
    "ReferencedPatientSequence", "ReferencedPatientPhotoSequence", "ReferencedPatientAliasSequence",
    "PatientTransportArrangements", "PatientInstitutionResidence",
    # visit and admission
    "AdmissionID", "IssuerOfAdmissionID", "IssuerOfAdmissionIDSequence", "AdmittingDate", "AdmittingTime",
    "AdmittingDiagnosesDescription", "AdmittingDiagnosesCodeSequence", "DischargeDate", "DischargeTime",
    "DischargeDiagnosisDescription", "CurrentPatientLocation", "ServiceEpisodeID", "ServiceEpisodeDescription",
    "IssuerOfServiceEpisodeID", "IssuerOfServiceEpisodeIDSequence", "VisitComments", "ReasonForVisit",
    "ReasonForVisitCodeSequence", "ScheduledAdmissionDate", "ScheduledAdmissionTime",
    "ScheduledDischargeDate", "ScheduledDischargeTime", "ScheduledPatientInstitutionResidence",
    # study, request, procedure steps
    "StudyDescription", "StudyComments", "StudyIDIssuer", "ReasonForStudy", "RequestingPhysician",
    "RequestingService", "RequestedProcedureDescription", "RequestedProcedureComments",
    "RequestedProcedureID", "RequestedProcedureLocation", "RequestedContrastAgent", "RequestAttributesSequence",
    "ReasonForTheRequestedProcedure", "ReasonForRequestedProcedureCodeSequence",
    "ReasonForTheImagingServiceRequest", "ImagingServiceRequestComments", "IssueDateOfImagingServiceRequest",
    "IssueTimeOfImagingServiceRequest", "OrderEnteredBy", "OrderEntererLocation", "OrderCallbackPhoneNumber",
    "OrderCallbackTelecomInformation", "ReferencedStudySequence",
    "PerformedProcedureStepDescription", "PerformedProcedureStepID", "PerformedProcedureStepStartDate",
    "PerformedProcedureStepStartTime", "PerformedProcedureStepEndDate", "PerformedProcedureStepEndTime",
    "PerformedLocation", "PerformedStationName", "PerformedStationAETitle", "CommentsOnThePerformedProcedureStep",
    "ScheduledProcedureStepDescription", "ScheduledProcedureStepID", "ScheduledProcedureStepLocation",
    "ScheduledPerformingPhysicianName", "ScheduledPerformingPhysicianIdentificationSequence",
    "ScheduledStationName", "ScheduledStationAETitle", "ScheduledStudyLocation", "ScheduledStudyLocationAETitle",
    "ScheduledHumanPerformersSequence", "ActualHumanPerformersSequence", "HumanPerformerName",
    "HumanPerformerOrganization", "PreMedication", "NamesOfIntendedRecipientsOfResults",
    "IntendedRecipientsOfResultsIdentificationSequence",
    # people: physicians, operators, authors
    "PerformingPhysicianName", "PerformingPhysicianIdentificationSequence", "PhysiciansOfRecord",
    "PhysiciansOfRecordIdentificationSequence", "NameOfPhysiciansReadingStudy",
    "PhysiciansReadingStudyIdentificationSequence", "ReferringPhysicianIdentificationSequence",
    "ReferringPhysicianAddress", "ReferringPhysicianTelephoneNumbers", "ConsultingPhysicianIdentificationSequence",
    "OperatorsName", "OperatorIdentificationSequence", "PersonIdentificationCodeSequence", "PersonAddress",
    "PersonTelephoneNumbers", "PersonTelecomInformation", "ContentCreatorIdentificationCodeSequence",
    "AuthorObserverSequence", "ParticipantSequence", "CustodialOrganizationSequence",
    # institution and equipment (Retain Device Identity is not offered)
    "InstitutionName", "InstitutionAddress", "InstitutionalDepartmentName", "InstitutionalDepartmentTypeCodeSequence",
    "InstitutionCodeSequence", "StationName", "DeviceSerialNumber", "DeviceUID", "DeviceDescription",
    "LongDeviceDescription", "GantryID", "GeneratorID", "PlateID", "CassetteID", "DetectorID",
    "XRayDetectorID", "XRayDetectorLabel", "XRaySourceID", "UniqueDeviceIdentifier", "UDISequence",
    "DateOfManufacture", "DateOfInstallation", "DateOfLastCalibration", "TimeOfLastCalibration",
    "DateTimeOfLastCalibration", "DateOfLastDetectorCalibration", "TimeOfLastDetectorCalibration",
    "ModifyingDeviceID", "NetworkID", "StationAETitle", "RetrieveAETitle",
    "ContributionDescription", "ContributionDateTime",
    # series and image free text
    "SeriesDescription", "ProtocolName", "AcquisitionComments", "AcquisitionProtocolDescription",
    "AcquisitionDeviceProcessingDescription", "DerivationDescription", "ImageComments", "FrameComments",
    "ImagePresentationComments", "IdentifyingComments", "TextComments", "TextString", "Arbitrary",
    "CommentsOnRadiationDose", "ModifiedImageDescription", "ModifiedImageDate", "ModifiedImageTime",
    "DateOfSecondaryCapture", "TimeOfSecondaryCapture", "TimezoneOffsetFromUTC", "IconImageSequence",
    "RequestedSeriesDescription", "DecompositionDescription", "MultienergyAcquisitionDescription",
    "RespiratoryMotionCompensationTechniqueDescription", "ContrastBolusStartTime", "ContrastBolusStopTime",
    "InterventionDrugStartTime", "InterventionDrugStopTime", "OverlayDate", "OverlayTime", "CurveDate",
    "CurveTime",
    # records of earlier modifications and signatures
    "OriginalAttributesSequence", "ModifiedAttributesSequence", "NonconformingModifiedAttributesSequence",
    "NonconformingDataElementValue", "DigitalSignaturesSequence", "ReferencedDigitalSignatureSequence",
    "ReferencedSOPInstanceMACSequence", "MAC", "InstanceOriginStatus", "CertifiedTimestamp",
    "DataSetTrailingPadding",
})

# Action Z (and Z/D where we choose Z): present, empty. Applied after dicognito, which would
# otherwise fill a dummy name in again.
EMPTY = frozenset({
    "PatientBirthDate", "ReferringPhysicianName", "ConsultingPhysicianName", "ContentCreatorName",
    "AccessionNumber", "ContrastBolusAgent", "AcquisitionContextSequence",
    "FillerOrderNumberImagingServiceRequest", "PlacerOrderNumberImagingServiceRequest",
    "ReferencedPerformedProcedureStepSequence",  # X/Z/D; Type 2 in the SR Document Series module
})

# Repeating groups removed whole: curves (50xx) and overlays (60xx) — overlay bitmaps are
# burned-in graphics and their descriptions free text (Table E.1-1, Overlay Data / Comments).
_REPEATING = ((0x5000, 0x501E), (0x6000, 0x601E))


def _tags(keywords: frozenset[str]) -> frozenset[int]:
    from pydicom.datadict import tag_for_keyword

    out = set()
    for kw in keywords:
        tag = tag_for_keyword(kw)
        if tag is not None:  # a keyword a newer dictionary renamed: nothing carries it
            out.add(int(tag))
    return frozenset(out)


def _repeating(tag: Any) -> bool:
    group = tag.group
    return any(lo <= group <= hi and group % 2 == 0 for lo, hi in _REPEATING)


def remove_identifying(ds: Any) -> None:
    """Private tags, curves, overlays and the :data:`REMOVE` attributes out of ``ds``, recursively."""
    remove = _tags(REMOVE)
    for elem in list(ds):
        if elem.tag.is_private or _repeating(elem.tag) or int(elem.tag) in remove:
            del ds[elem.tag]
        elif elem.VR == "SQ":
            for item in elem.value:
                remove_identifying(item)


def empty_identifying(ds: Any) -> None:
    """The :data:`EMPTY` attributes of ``ds`` and of its nested items set to an empty value."""
    empty = _tags(EMPTY)
    for elem in list(ds):
        if int(elem.tag) in empty:
            elem.value = [] if elem.VR == "SQ" else None
        elif elem.VR == "SQ":
            for item in elem.value:
                empty_identifying(item)
