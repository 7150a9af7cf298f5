"""The live page: a small web server that shows a run or sweep folder as it is written and
writes the steering wish (`control.json`) its buttons ask for. It reads the folder only: no
TensorFlow, no pandas (`python -m harness watch DIR`, `harness run CONFIG --live`)."""
