"""Service-task handlers of the fund process (the ledger arrives with the fund process)."""
