import { test } from "node:test";
import assert from "node:assert/strict";
import { isRemoteEnvironment } from "./remote-env.ts";

const linux = { platform: "linux" as const, osRelease: "6.8.0-generic" };

test("any SSH or remote-container marker means remote, on every platform", () => {
  for (const name of ["SSH_CLIENT", "SSH_TTY", "SSH_CONNECTION", "REMOTE_CONTAINERS", "CODESPACES"]) {
    assert.equal(isRemoteEnvironment({ [name]: "1", DISPLAY: ":0" }, linux), true, name);
    assert.equal(isRemoteEnvironment({ [name]: "1" }, { platform: "darwin" }), true, name);
  }
  assert.equal(isRemoteEnvironment({ SSH_CONNECTION: "" , DISPLAY: ":0" }, linux), false, "an empty variable is unset");
});

test("Linux without a display is remote, unless it is WSL", () => {
  assert.equal(isRemoteEnvironment({}, linux), true);
  assert.equal(isRemoteEnvironment({ DISPLAY: ":0" }, linux), false);
  assert.equal(isRemoteEnvironment({ WAYLAND_DISPLAY: "wayland-0" }, linux), false);
  assert.equal(isRemoteEnvironment({}, { platform: "linux", osRelease: "5.15.167.4-microsoft-standard-WSL2" }), false);
  assert.equal(isRemoteEnvironment({ WSL_DISTRO_NAME: "Ubuntu" }, linux), false);
});

test("macOS and Windows without markers are local", () => {
  assert.equal(isRemoteEnvironment({}, { platform: "darwin" }), false);
  assert.equal(isRemoteEnvironment({}, { platform: "win32" }), false);
});
