package dev.sambasidecars.common.tls;

import dev.sambasidecars.common.tls.TlsFileException.Problem;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Reads and writes the PEM files of a TLS directory. Reading is bounded (a PEM file of a TLS
 * directory is a few kilobytes; anything over {@link #MAX_BYTES} is refused unread) and every
 * failure names the file. Private keys are written with mode 0600 from the moment they exist.
 */
final class PemFiles {
    private PemFiles() {}

    /** Largest PEM file read: room for a long chain, far below anything harmful. */
    static final int MAX_BYTES = 256 * 1024;

    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> PUBLIC =
            PosixFilePermissions.fromString("rw-r--r--");

    /** The certificates of {@code file}, in file order; at least one. */
    static List<X509Certificate> readCertificates(Path file) throws TlsFileException {
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object o : parse(file)) {
            if (!(o instanceof X509CertificateHolder holder)) {
                throw new TlsFileException(file, Problem.MALFORMED,
                        "holds " + describe(o) + " where only certificates belong");
            }
            try {
                out.add(converter.getCertificate(holder));
            } catch (CertificateException e) {
                throw new TlsFileException(file, Problem.MALFORMED,
                        "certificate " + (out.size() + 1) + " cannot be decoded: " + e.getMessage(), e);
            }
        }
        if (out.isEmpty()) {
            throw new TlsFileException(file, Problem.MALFORMED, "holds no PEM certificate (BEGIN CERTIFICATE)");
        }
        return List.copyOf(out);
    }

    /** The one unencrypted private key of {@code file}: PKCS#8 ("PRIVATE KEY") or SEC1/PKCS#1. */
    static PrivateKey readPrivateKey(Path file) throws TlsFileException {
        List<Object> objects = parse(file);
        if (objects.size() != 1) {
            throw new TlsFileException(file, Problem.MALFORMED, objects.isEmpty()
                    ? "holds no PEM private key (BEGIN PRIVATE KEY)"
                    : "holds " + objects.size() + " PEM objects where one private key belongs");
        }
        Object o = objects.getFirst();
        PrivateKeyInfo info = switch (o) {
            case PrivateKeyInfo pki -> pki;
            case PEMKeyPair pair -> pair.getPrivateKeyInfo();
            default -> throw new TlsFileException(file, Problem.MALFORMED, "holds " + describe(o)
                    + " where an unencrypted private key belongs (daemons start unattended: no passphrase)");
        };
        try {
            return new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (PEMException e) {
            throw new TlsFileException(file, Problem.MALFORMED, "private key cannot be decoded: " + e.getMessage(), e);
        }
    }

    /** Refuses a private key file that anyone but its owner may read or write. */
    static void requireOwnerOnly(Path file) throws TlsFileException {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (NoSuchFileException e) {
            throw missing(file);
        } catch (IOException e) {
            throw new TlsFileException(file, Problem.UNREADABLE, "cannot read its permissions: " + e.getMessage(), e);
        }
        Set<PosixFilePermission> extra = EnumSet.copyOf(perms);
        extra.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE));
        if (!extra.isEmpty()) {
            throw new TlsFileException(file, Problem.INSECURE_PERMISSIONS, "mode " + mode(perms)
                    + " lets other users at this private key; it must be readable by its owner only (chmod 600)");
        }
    }

    /** {@code perms} as an octal mode, e.g. {@code 0644}. */
    static String mode(Set<PosixFilePermission> perms) {
        int m = 0;
        for (PosixFilePermission p : perms) {
            m |= 1 << (8 - p.ordinal());
        }
        return String.format("0%03o", m);
    }

    /** Writes certificates, mode 0644. */
    static void writeCertificates(Path file, List<X509Certificate> certificates, boolean overwrite)
            throws TlsFileException {
        List<PemObject> objects = new ArrayList<>();
        for (X509Certificate c : certificates) {
            try {
                objects.add(new PemObject("CERTIFICATE", c.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new TlsFileException(file, Problem.UNWRITABLE, "cannot encode a certificate: " + e.getMessage(), e);
            }
        }
        write(file, objects, PUBLIC, overwrite);
    }

    /** Writes a private key as unencrypted PKCS#8, mode 0600. */
    static void writePrivateKey(Path file, PrivateKey key, boolean overwrite) throws TlsFileException {
        // The JDK encodes private keys as PKCS#8 PrivateKeyInfo.
        write(file, List.of(new PemObject("PRIVATE KEY", key.getEncoded())), OWNER_ONLY, overwrite);
    }

    /**
     * Writes through a temporary file in the same directory that has its final mode from
     * creation on, then renames it into place: no reader sees a half-written file and a key is
     * never readable by others, not even for a moment.
     */
    private static void write(Path file, List<PemObject> objects, Set<PosixFilePermission> perms, boolean overwrite)
            throws TlsFileException {
        if (!overwrite && Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw exists(file);
        }
        StringWriter text = new StringWriter();
        try (PemWriter w = new PemWriter(text)) {
            for (PemObject o : objects) {
                w.writeObject(o);
            }
        } catch (IOException e) {
            throw new TlsFileException(file, Problem.UNWRITABLE, e.getMessage(), e);
        }
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(perms));
            Files.writeString(tmp, text.toString(), StandardCharsets.US_ASCII);
            if (overwrite) {
                moveReplacing(tmp, file);
            } else {
                Files.move(tmp, file);
            }
            tmp = null;
        } catch (FileAlreadyExistsException e) {
            throw exists(file);
        } catch (IOException e) {
            throw new TlsFileException(file, Problem.UNWRITABLE, "cannot write: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // Nothing secret can be in it that the failed write did not already report.
                }
            }
        }
    }

    private static void moveReplacing(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static List<Object> parse(Path file) throws TlsFileException {
        String text = readBounded(file);
        List<Object> out = new ArrayList<>();
        try (PEMParser p = new PEMParser(new StringReader(text))) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                out.add(o);
            }
        } catch (IOException | RuntimeException e) {
            // PEMParser reports bad base64 or DER as IOException, and some as runtime exceptions.
            throw new TlsFileException(file, Problem.MALFORMED, "is not valid PEM: " + e.getMessage(), e);
        }
        return out;
    }

    private static String readBounded(Path file) throws TlsFileException {
        try {
            if (!Files.isRegularFile(file)) {
                throw Files.exists(file)
                        ? new TlsFileException(file, Problem.UNREADABLE, "is not a regular file")
                        : missing(file);
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new TlsFileException(file, Problem.MALFORMED,
                        "is " + Files.size(file) + " bytes; a PEM file here is at most " + MAX_BYTES);
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length > MAX_BYTES) {
                throw new TlsFileException(file, Problem.MALFORMED, "grew beyond " + MAX_BYTES + " bytes while read");
            }
            // PEM is ASCII; Latin-1 maps every byte, so stray bytes become a PEM error, not a charset one.
            return new String(bytes, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw missing(file);
        } catch (AccessDeniedException e) {
            throw new TlsFileException(file, Problem.UNREADABLE, "permission denied", e);
        } catch (IOException e) {
            throw new TlsFileException(file, Problem.UNREADABLE, "cannot read: " + e.getMessage(), e);
        }
    }

    static TlsFileException missing(Path file) {
        return new TlsFileException(file, Problem.MISSING, "does not exist");
    }

    static TlsFileException exists(Path file) {
        return new TlsFileException(file, Problem.ALREADY_EXISTS, "exists already (--force overwrites)");
    }

    private static String describe(Object pemObject) {
        return switch (pemObject) {
            case X509CertificateHolder c -> "a certificate";
            case PrivateKeyInfo k -> "a private key";
            case PEMKeyPair k -> "a private key";
            case org.bouncycastle.openssl.PEMEncryptedKeyPair k -> "an encrypted private key";
            case org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo k -> "an encrypted private key";
            case org.bouncycastle.asn1.x509.SubjectPublicKeyInfo k -> "a public key";
            case org.bouncycastle.pkcs.PKCS10CertificationRequest r -> "a certificate request";
            default -> "a " + pemObject.getClass().getSimpleName();
        };
    }
}
