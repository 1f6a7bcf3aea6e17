"""consensus/embedded"""
