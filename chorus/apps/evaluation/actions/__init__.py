"""Write actions for evaluation, one module per topic. Each action validates, changes atomically and records
an audit event (ids only). Import the topic module: `from chorus.apps.evaluation.actions import surveys`."""
