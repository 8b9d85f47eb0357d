"""From retrieved hits to a department: the taxonomy, the injection guard, the vote and its calibration."""
