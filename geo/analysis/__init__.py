"""Analysis of incidents and patrols: GeoDataFrame in, GeoDataFrame out.

Nothing here touches the database or the web; ``geo.services`` wires these functions together.
"""
