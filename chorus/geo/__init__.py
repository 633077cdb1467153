"""Places and deprivation: ONS areas, IMD 2019, Core20. Plain Python, no Django."""
