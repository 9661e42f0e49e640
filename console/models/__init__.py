"""Qt item models for the console (QtCore/QtGui only: no widgets, no gRPC calls).

Jobs table: ``jobs_table.JobsTableModel`` (rows) → ``jobs_proxy.JobsProxyModel`` (sort, filter,
state chips), fed in the app one decoded batch a frame by the jobs feed's thread
(``console.job_feed_thread``, ``JobsTableModel.apply_wire_batch``); the filter language is
``job_filter`` (no Qt).
"""
