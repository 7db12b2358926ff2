// ONNX Runtime's Linux build carries Microsoft's 1DS telemetry: loading the
// addon writes a session id (`.ses`) and `mat-debug-PID.log` into TMPDIR and
// can send usage events to events.data.microsoft.com. mlship sends nothing
// anywhere, so the addon is told so before it loads, unless the user has set
// ORT_DISABLE_TELEMETRY themselves. Imported first by the session adapter.
process.env.ORT_DISABLE_TELEMETRY ??= '1';
