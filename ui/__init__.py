"""NiceGUI pages and components: they render state and forward intent to the services."""
