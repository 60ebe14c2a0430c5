"""The build and its outputs: report parts, the embedded store, the dumps, exports, and pushes to server stores."""
