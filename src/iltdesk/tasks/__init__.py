"""Running service calls off the GUI thread, with delayed progress and cancel."""
