package io.tern.platform.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading certificate, key and CA files: one clear line for each mistake, and reloads only on change. */
class TlsFilesTest {

    @TempDir
    Path tmp;

    @Test
    void aMissingFileIsOneLineNamingTheFlagAndFile() throws Exception {
        TestCertificates.CertificateSet certs = TestCertificates.make(tmp.resolve("a"));
        Path missing = tmp.resolve("nope.crt");
        TlsConfigException error = assertThrows(TlsConfigException.class,
                () -> ReloadingKeyManager.load(missing, "--cert-file", certs.serverKey(), "--key-file"));
        assertEquals("--cert-file " + missing + " does not exist", error.getMessage());
    }

    @Test
    void anUnreadableFileIsOneLine() throws Exception {
        Path directory = Files.createDirectory(tmp.resolve("ca-dir"));
        TlsConfigException error = assertThrows(TlsConfigException.class,
                () -> ReloadingTrustManager.load(directory, "--trusted-ca-file"));
        assertTrue(error.getMessage().startsWith("--trusted-ca-file " + directory + " cannot be read: "), error.getMessage());
        assertFalse(error.getMessage().contains("\n"));
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        TestCertificates.CertificateSet certs = TestCertificates.make(tmp.resolve("a"));
        TlsConfigException error = assertThrows(TlsConfigException.class,
                () -> ReloadingKeyManager.load(certs.serverCert(), "--cert-file", certs.peerKey(), "--key-file"));
        assertEquals("--key-file " + certs.peerKey() + " is not the key of the certificate in --cert-file "
                + certs.serverCert(), error.getMessage());
    }

    @Test
    void aCertificateGivenAsKeyIsRefusedWithWhatIsNeeded() throws Exception {
        TestCertificates.CertificateSet certs = TestCertificates.make(tmp.resolve("a"));
        TlsConfigException error = assertThrows(TlsConfigException.class,
                () -> ReloadingKeyManager.load(certs.serverCert(), "--cert-file", certs.serverCert(), "--key-file"));
        assertTrue(error.getMessage().startsWith("--key-file " + certs.serverCert() + " holds no PEM private key; "
                + "an unencrypted PKCS#8 key is needed"), error.getMessage());
    }

    @Test
    void aFileWithoutCertificatesIsRefused() throws Exception {
        TestCertificates.CertificateSet certs = TestCertificates.make(tmp.resolve("a"));
        TlsConfigException error = assertThrows(TlsConfigException.class,
                () -> ReloadingTrustManager.load(certs.clientKey(), "--trusted-ca-file"));
        assertTrue(error.getMessage().startsWith("--trusted-ca-file " + certs.clientKey()), error.getMessage());
    }

    @Test
    void reloadsOnlyWhenTheFilesChangeAndKeepsTheOldCertificateWhenTheNewOneIsBroken() throws Exception {
        TestCertificates.CertificateSet first = TestCertificates.make(tmp.resolve("a"));
        TestCertificates.CertificateSet second = TestCertificates.make(tmp.resolve("b"));
        Path cert = Files.copy(first.serverCert(), tmp.resolve("server.crt"));
        Path key = Files.copy(first.serverKey(), tmp.resolve("server.key"));
        ReloadingKeyManager keys = ReloadingKeyManager.load(cert, "--cert-file", key, "--key-file");
        var original = keys.certificate();
        assertFalse(keys.reloadIfChanged(), "nothing changed");

        // Half a replacement (the certificate, not yet its key) is refused and the old pair kept.
        replace(second.serverCert(), cert);
        assertThrows(TlsConfigException.class, keys::reloadIfChanged);
        assertEquals(original, keys.certificate());
        assertFalse(keys.reloadIfChanged(), "the same broken files are not tried again");

        replace(second.serverKey(), key);
        assertTrue(keys.reloadIfChanged());
        assertNotEquals(original, keys.certificate());
        assertEquals(PemFiles.certificates(second.serverCert(), "test").getFirst(), keys.certificate());
    }

    /** Copies over {@code target} and moves its time on, as a real rewrite seconds later would. */
    private static void replace(Path source, Path target) throws Exception {
        FileTime before = Files.getLastModifiedTime(target);
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(target, FileTime.from(before.toInstant().plusSeconds(1).isAfter(Instant.now())
                ? before.toInstant().plusSeconds(1) : Instant.now()));
    }
}
