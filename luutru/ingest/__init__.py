"""Thu thập, nộp lưu: transfers of packages from agencies, validated and ingested whole or not at all."""
