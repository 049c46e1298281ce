"""Thu thập, nộp lưu: packages from agencies, validated and ingested whole or not at all."""
