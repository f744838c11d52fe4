package dev.countersign.local.infra;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The classpath of the running JVM with manifest {@code Class-Path} entries expanded, so a child
 * JVM can be started on the same classes whether this one runs from {@code java -jar} (the
 * launcher) or from a surefire booter jar (tests).
 */
final class JvmClasspath {

    private JvmClasspath() {
    }

    static String current() {
        Set<Path> entries = new LinkedHashSet<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                add(Path.of(entry).toAbsolutePath().normalize(), entries);
            }
        }
        return String.join(File.pathSeparator, entries.stream().map(Path::toString).toList());
    }

    private static void add(Path entry, Set<Path> entries) {
        if (!entries.add(entry) || !Files.isRegularFile(entry) || !entry.toString().endsWith(".jar")) {
            return;
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            Manifest manifest = jar.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath == null) {
                return;
            }
            for (String ref : classPath.trim().split("\\s+")) {
                Path resolved = ref.startsWith("file:")
                        ? Path.of(URI.create(ref))
                        : entry.getParent().resolve(ref);
                add(resolved.toAbsolutePath().normalize(), entries);
            }
        } catch (IOException e) {
            // Not a readable jar: keep it as given, the child JVM will report it if it matters.
        }
    }
}
