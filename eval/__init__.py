"""The eval harness (`whosejob eval`) and confidence calibration, with the case files beside them."""
