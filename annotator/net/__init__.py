"""DICOM networking: receive films from a C-arm, query/retrieve from and send to a PACS.

Qt-free (the GUI in ``annotator.ui.pacs`` only wires it to widgets). Modules:

- ``nodes``: the documented node settings file (AE titles, hosts, ports, DICOMweb URLs,
  TLS, basic/bearer auth); credentials never reach case files, logs or messages.
- ``sop_classes``: the storage SOP classes and transfer syntaxes we accept.
- ``inbox``: files received objects by study into case folders, atomically.
- ``listener``: the Storage SCP (pynetdicom) that feeds the inbox; answers C-ECHO.
- ``dimse``: C-ECHO, C-FIND, C-GET, C-MOVE and C-STORE as a client (SCU).
- ``web``: QIDO-RS, WADO-RS and STOW-RS through ``dicomweb-client``.
- ``send``: sending the archive export, all or nothing, retried per object.
- ``retrieve``: one study from a PACS into a new case (marks and record restored).

Networking errors are :class:`annotator.net.errors.NetError`: one line naming the
node and what to do.
"""
