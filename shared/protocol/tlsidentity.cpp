// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "tlsidentity.h"

#include "storage/atomicfile.h"

#include "protocollogging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace {

struct OpenSslDeleter
{
    void operator()(EVP_PKEY *key) const noexcept { EVP_PKEY_free(key); }
    void operator()(X509 *certificate) const noexcept { X509_free(certificate); }
    void operator()(BIO *bio) const noexcept { BIO_free(bio); }
    void operator()(BIGNUM *number) const noexcept { BN_free(number); }
    void operator()(X509_EXTENSION *extension) const noexcept { X509_EXTENSION_free(extension); }
};
template<typename T>
using OpenSslPointer = std::unique_ptr<T, OpenSslDeleter>;

QString openSslError(const char *what)
{
    const unsigned long code = ERR_get_error();
    char text[256] = {};
    if (code != 0)
        ERR_error_string_n(code, text, sizeof text);
    ERR_clear_error();
    return u"%1 failed: %2"_s.arg(
        QString::fromLatin1(what), code != 0 ? QString::fromLatin1(text) : u"no OpenSSL error given"_s);
}

QByteArray readBio(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, int(size));
}

constexpr long ValiditySeconds = 20L * 365 * 24 * 3600; // a rack outlives any renewal plan

bool keyMatchesCertificate(const TlsIdentity &identity)
{
    const QByteArray certificateDer = identity.certificate.toDer();
    const QByteArray keyPem = identity.key.toPem();
    const auto *derData = reinterpret_cast<const unsigned char *>(certificateDer.constData());
    OpenSslPointer<X509> certificate(d2i_X509(nullptr, &derData, long(certificateDer.size())));
    OpenSslPointer<BIO> keyBio(BIO_new_mem_buf(keyPem.constData(), int(keyPem.size())));
    OpenSslPointer<EVP_PKEY> key(
        keyBio ? PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr) : nullptr);
    const bool matches = certificate && key && X509_check_private_key(certificate.get(), key.get()) == 1;
    ERR_clear_error();
    return matches;
}

} // namespace

QString TlsIdentity::fingerprint() const { return certificateFingerprint(certificate); }

std::optional<TlsIdentity> TlsIdentity::generate(const QString &commonName, QString *error)
{
    OpenSslPointer<EVP_PKEY> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key) {
        *error = openSslError("generating an EC P-256 key");
        return std::nullopt;
    }
    OpenSslPointer<X509> certificate(X509_new());
    OpenSslPointer<BIGNUM> serial(BN_new());
    if (!certificate || !serial || !X509_set_version(certificate.get(), 2)
        || !BN_rand(serial.get(), 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY)
        || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get()))
        || !X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600) // tolerate a clock a little behind
        || !X509_gmtime_adj(X509_getm_notAfter(certificate.get()), ValiditySeconds)
        || !X509_set_pubkey(certificate.get(), key.get())) {
        *error = openSslError("preparing the certificate");
        return std::nullopt;
    }
    const QByteArray cn = commonName.toUtf8();
    X509_NAME *name = X509_get_subject_name(certificate.get());
    if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
            reinterpret_cast<const unsigned char *>(cn.constData()), int(cn.size()), -1, 0)
        || !X509_set_issuer_name(certificate.get(), name)) {
        *error = openSslError("naming the certificate");
        return std::nullopt;
    }
    // The name again as a DNS subject alternative name: TLS clients that check names only there (Go's,
    // so Prometheus') can then verify rackd's certificate as its own trust anchor, with server_name set.
    static const QRegularExpression dnsName(u"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$"_s);
    if (dnsName.match(commonName).hasMatch()) {
        const QByteArray alternativeName = "DNS:" + cn;
        OpenSslPointer<X509_EXTENSION> extension(
            X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, alternativeName.constData()));
        if (!extension || !X509_add_ext(certificate.get(), extension.get(), -1)) {
            *error = openSslError("adding the certificate's alternative name");
            return std::nullopt;
        }
    }
    if (!X509_sign(certificate.get(), key.get(), EVP_sha256())) {
        *error = openSslError("signing the certificate");
        return std::nullopt;
    }

    OpenSslPointer<BIO> certificatePem(BIO_new(BIO_s_mem()));
    OpenSslPointer<BIO> keyPem(BIO_new(BIO_s_mem()));
    if (!certificatePem || !keyPem || !PEM_write_bio_X509(certificatePem.get(), certificate.get())
        || !PEM_write_bio_PrivateKey(keyPem.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr)) {
        *error = openSslError("encoding the identity as PEM");
        return std::nullopt;
    }
    TlsIdentity identity {QSslCertificate(readBio(certificatePem.get()), QSsl::Pem),
        QSslKey(readBio(keyPem.get()), QSsl::Ec, QSsl::Pem, QSsl::PrivateKey)};
    if (identity.isNull()) {
        *error = u"Qt could not read the generated certificate or key"_s;
        return std::nullopt;
    }
    return identity;
}

std::optional<TlsIdentity> TlsIdentity::loadOrCreate(
    const QString &directory, const QString &name, const QString &commonName, QString *error)
{
    const QString certificatePath = QDir(directory).filePath(name + u".crt"_s);
    const QString keyPath = QDir(directory).filePath(name + u".key"_s);
    const bool haveCertificate = QFileInfo::exists(certificatePath);
    const bool haveKey = QFileInfo::exists(keyPath);

    if (haveCertificate != haveKey) {
        *error
            = u"%1 exists but %2 does not; restore the missing file, or remove both to make a new identity "
              "(every client will then have to trust the new fingerprint)"_s.arg(
                  haveCertificate ? certificatePath : keyPath, haveCertificate ? keyPath : certificatePath);
        return std::nullopt;
    }
    if (haveCertificate) {
        QFile certificateFile(certificatePath);
        QFile keyFile(keyPath);
        if (!certificateFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly)) {
            *error = u"cannot read the TLS identity in %1: %2"_s.arg(
                directory, certificateFile.isOpen() ? keyFile.errorString() : certificateFile.errorString());
            return std::nullopt;
        }
        TlsIdentity identity {QSslCertificate(certificateFile.read(64 * 1024), QSsl::Pem),
            QSslKey(keyFile.read(64 * 1024), QSsl::Ec, QSsl::Pem, QSsl::PrivateKey)};
        if (identity.certificate.isNull()) {
            *error = u"%1 is not a PEM certificate"_s.arg(certificatePath);
            return std::nullopt;
        }
        if (identity.key.isNull()) {
            *error = u"%1 is not a PEM EC private key"_s.arg(keyPath);
            return std::nullopt;
        }
        if (!keyMatchesCertificate(identity)) {
            *error = u"the key %1 does not belong to the certificate %2"_s.arg(keyPath, certificatePath);
            return std::nullopt;
        }
        if (keyFile.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther))
            qCWarning(lcProtocol).noquote() << keyPath << "is readable by others; it should be mode 0600";
        return identity;
    }

    if (!QDir().mkpath(directory)) {
        *error = u"cannot create the directory %1"_s.arg(directory);
        return std::nullopt;
    }
    std::optional<TlsIdentity> identity = generate(commonName, error);
    if (!identity)
        return std::nullopt;
    // The key first: a crash in between leaves a lone key, which is reported, never half-trusted.
    if (!AtomicFile::write(
            keyPath, identity->key.toPem(), QFileDevice::ReadOwner | QFileDevice::WriteOwner, error)
        || !AtomicFile::write(certificatePath, identity->certificate.toPem(),
            QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup
                | QFileDevice::ReadOther,
            error))
        return std::nullopt;
    qCInfo(lcProtocol).noquote() << "created a new TLS identity" << certificatePath
                                 << identity->fingerprint();
    return identity;
}

QString certificateFingerprint(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return {};
    return u"SHA256:"_s + QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex());
}

std::optional<QString> normalizeFingerprint(const QString &text)
{
    QString hex = text.trimmed();
    if (hex.startsWith(u"SHA256:"_s, Qt::CaseInsensitive))
        hex = hex.mid(7);
    hex.remove(u':');
    hex.remove(u' ');
    static const QRegularExpression sixtyFourHexDigits(
        QRegularExpression::anchoredPattern(u"[0-9a-fA-F]{64}"_s));
    if (!sixtyFourHexDigits.match(hex).hasMatch())
        return std::nullopt;
    return u"SHA256:"_s + hex.toLower();
}
