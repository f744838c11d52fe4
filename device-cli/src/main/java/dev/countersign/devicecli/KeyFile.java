package dev.countersign.devicecli;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;

import dev.countersign.common.credential.CredentialKind;
import dev.countersign.device.DeviceKey;

/**
 * The device's private keys, one per feature, kept between runs in a local properties file
 * ({@code push=<PKCS#8 base64>} …), created with fresh keys on first use and readable by the owner
 * only. Like a phone's keystore, losing it loses the credentials.
 */
final class KeyFile {

    private KeyFile() {
    }

    static Map<CredentialKind, DeviceKey> loadOrCreate(Path file) {
        Map<CredentialKind, DeviceKey> keys = new EnumMap<>(CredentialKind.class);
        Properties stored = new Properties();
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                stored.load(reader);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read the key file " + file + ": " + e.getMessage(), e);
            }
        }
        boolean changed = false;
        for (CredentialKind kind : CredentialKind.values()) {
            String pkcs8 = stored.getProperty(kind.wireName());
            if (pkcs8 == null) {
                DeviceKey fresh = DeviceKey.generate();
                stored.setProperty(kind.wireName(), fresh.pkcs8Base64());
                keys.put(kind, fresh);
                changed = true;
            } else {
                keys.put(kind, DeviceKey.fromPkcs8(pkcs8.strip()));
            }
        }
        if (changed) {
            save(file, stored);
        }
        return keys;
    }

    private static void save(Path file, Properties keys) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                keys.store(writer, "Countersign device CLI: private keys per feature (PKCS#8, base64). Keep secret.");
            }
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the platform's defaults apply.
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write the key file " + file + ": " + e.getMessage(), e);
        }
    }
}
