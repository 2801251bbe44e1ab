// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenkeyring.h"

#include "keyringlogging.h"
#include "storage/jsonfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QStandardPaths>
#include <memory>
#include <qt6keychain/keychain.h>

using namespace Qt::Literals::StringLiterals;

namespace {

constexpr qint64 MaximumFileBytes = 1024 * 1024;

// The file's tokens; empty, with `error`, when it exists but cannot be read (then nothing may be
// written over it: that would lose every other token in it).
std::optional<QJsonObject> readTokens(const QString &path, QString *error = nullptr)
{
    const JsonFile::ReadResult file = JsonFile::read(path, MaximumFileBytes);
    if (file.status != JsonFile::ReadResult::Status::Ok
        && file.status != JsonFile::ReadResult::Status::Missing) {
        const QString why
            = QObject::tr("%1 is damaged or unreadable (%2); fix or remove it").arg(path, file.error);
        qCWarning(lcKeyring).noquote() << why;
        if (error)
            *error = why;
        return std::nullopt;
    }
    return file.object.value(u"tokens"_s).toObject();
}

// pirack and rackctl may both change the file: one at a time.
std::unique_ptr<QLockFile> lockTokens(const QString &path, QString *error)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        *error = QObject::tr("cannot make the folder of %1").arg(path);
        return nullptr;
    }
    auto lock = std::make_unique<QLockFile>(path + u".lock"_s);
    if (!lock->tryLock(5000)) {
        *error = QObject::tr("%1 is being changed by another program (%2.lock)").arg(path, path);
        return nullptr;
    }
    return lock;
}

bool writeTokens(const QString &path, const QJsonObject &tokens, QString *error)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        *error = QObject::tr("cannot make the folder of %1").arg(path);
        return false;
    }
    // Owner-only before a byte is written, replaced in one checked step (never QSaveFile alone).
    return JsonFile::write(
        path, QJsonObject {{u"tokens"_s, tokens}}, JsonFile::OwnerOnly, error, MaximumFileBytes);
}

} // namespace

TokenKeyring::TokenKeyring(QString fallbackFile, QObject *parent)
    : QObject(parent)
    , m_fallbackFile(std::move(fallbackFile))
{ }

QString TokenKeyring::defaultFallbackFile()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation))
        .filePath(u"pirack/tokens.json"_s);
}

void TokenKeyring::write(
    const QString &rack, const QString &token, std::function<void(const WriteResult &)> done)
{
    auto *job = new QKeychain::WritePasswordJob(QString::fromLatin1(Service), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(
        false); // a plain-text store is the operator's explicit choice, never QtKeychain's
    job->setKey(rack);
    job->setTextData(token);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job *finished) {
        WriteResult result;
        result.ok = finished->error() == QKeychain::NoError;
        // Without a running secret service libsecret fails with OtherError; locked, AccessDenied.
        result.keychainUnavailable = !result.ok && finished->error() != QKeychain::AccessDeniedByUser;
        result.error = finished->errorString();
        if (!result.ok)
            qCInfo(lcKeyring).noquote() << "the keychain did not store the token:" << result.error;
        done(result);
    });
    job->start();
}

void TokenKeyring::read(const QString &rack, std::function<void(const ReadResult &)> done)
{
    auto *job = new QKeychain::ReadPasswordJob(QString::fromLatin1(Service), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(rack);
    connect(
        job, &QKeychain::Job::finished, this, [this, rack, done = std::move(done)](QKeychain::Job *finished) {
            ReadResult result;
            if (finished->error() == QKeychain::NoError) {
                result.token = qobject_cast<QKeychain::ReadPasswordJob *>(finished)->textData();
                result.source = u"keychain"_s;
                done(result);
                return;
            }
            if (finished->error() != QKeychain::EntryNotFound)
                result.error = finished->errorString();
            result.token = readFromFile(rack);
            if (result.token)
                result.source = m_fallbackFile;
            done(result);
        });
    job->start();
}

void TokenKeyring::remove(const QString &rack, std::function<void()> done)
{
    QString error;
    if (!removeFromFile(rack, &error))
        qCWarning(lcKeyring).noquote() << error;
    auto *job = new QKeychain::DeletePasswordJob(QString::fromLatin1(Service), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(rack);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job *) { done(); });
    job->start();
}

bool TokenKeyring::writeToFile(const QString &rack, const QString &token, QString *error)
{
    const std::unique_ptr<QLockFile> lock = lockTokens(m_fallbackFile, error);
    std::optional<QJsonObject> tokens = lock ? readTokens(m_fallbackFile, error) : std::nullopt;
    if (!tokens)
        return false;
    tokens->insert(rack, token);
    return writeTokens(m_fallbackFile, *tokens, error);
}

std::optional<QString> TokenKeyring::readFromFile(const QString &rack) const
{
    const std::optional<QJsonObject> tokens = readTokens(m_fallbackFile);
    const QJsonValue token = tokens ? tokens->value(rack) : QJsonValue();
    return token.isString() ? std::optional<QString>(token.toString()) : std::nullopt;
}

bool TokenKeyring::removeFromFile(const QString &rack, QString *error)
{
    const std::unique_ptr<QLockFile> lock = lockTokens(m_fallbackFile, error);
    std::optional<QJsonObject> tokens = lock ? readTokens(m_fallbackFile, error) : std::nullopt;
    if (!tokens)
        return false;
    if (!tokens->contains(rack))
        return true;
    tokens->remove(rack);
    return writeTokens(m_fallbackFile, *tokens, error);
}
