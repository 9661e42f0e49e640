"""Qt item models for the console (QtCore/QtGui only: no widgets, no gRPC calls).

Jobs table: ``jobs_table.JobsTableModel`` (rows) → ``jobs_proxy.JobsProxyModel`` (sort, filter,
state chips), fed by ``batcher.ChangeBatcher``; the filter language is ``job_filter`` (no Qt).
"""
