package io.portfw.core.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version from the jar's manifest, so {@code --version} matches the build. */
final class VersionProvider implements IVersionProvider {

  @Override
  public String[] getVersion() {
    String version = Main.class.getPackage().getImplementationVersion();
    return new String[] {
        "portfw " + (version == null ? "(development build)" : version),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
  }
}
