"""Read models over committed blocks: the explorer, account/tx queries, statistics, receipts."""
