"""`whosejob bench`: benchmarks from 1k to 100k chunks against LangChain baselines, and the cold-start check."""
