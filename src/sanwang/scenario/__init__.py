"""Scenario generator (场景生成器): a realistic synthetic city for the demo, tests and benchmarks."""
