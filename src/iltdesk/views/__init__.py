"""The V of model-view: the main window, one module per screen, dialogs, small widgets."""
