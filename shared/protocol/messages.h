// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "protocol/vocabulary.h"

#include <QJsonObject>
#include <QString>
#include <optional>

class QDebug;

/// PiRack's control protocol: JSON objects in length-prefixed frames, over TLS. See docs/protocol.md.
namespace Protocol {

constexpr int Version = 1;
/// Largest frame payload accepted, in bytes. Larger frames close the connection.
constexpr qint64 MaximumMessageSize = 1024 * 1024;
/// Request ids are JSON numbers; beyond 2^53 they stop being exact integers.
constexpr qint64 MaximumRequestId = (qint64(1) << 53) - 1;

/// Every message type, in one append-only list.
namespace Type {
inline const QString Hello = QStringLiteral("hello");
inline const QString Welcome = QStringLiteral("welcome");
inline const QString Request = QStringLiteral("request");
inline const QString Reply = QStringLiteral("reply");
inline const QString Event = QStringLiteral("event");
inline const QString Error = QStringLiteral("error");
} // namespace Type

/// Every error code, in one append-only list.
namespace ErrorCode {
inline const QString BadMessage = QStringLiteral("bad_message"); ///< Not a valid message at all.
inline const QString BadRequest = QStringLiteral("bad_request"); ///< A valid message with wrong parameters.
inline const QString UnknownMethod = QStringLiteral("unknown_method");
inline const QString ProtocolVersion = QStringLiteral("protocol_version");
inline const QString Unauthenticated = QStringLiteral("unauthenticated");
inline const QString Forbidden = QStringLiteral("forbidden");
inline const QString NotFound = QStringLiteral("not_found");
inline const QString Conflict = QStringLiteral("conflict");
inline const QString TooManyRequests = QStringLiteral("too_many_requests");
inline const QString RelayFailed = QStringLiteral("relay_failed");
inline const QString TooLarge = QStringLiteral("too_large");
inline const QString Internal = QStringLiteral("internal");
inline const QString CommandFailed
    = QStringLiteral("command_failed"); ///< A node's command ran and failed (details: its result).
inline const QString Incomplete
    = QStringLiteral("incomplete"); ///< Not every part was done; details say which and why.
} // namespace ErrorCode

/**
 * A failure, with its kind: rackd's domain calls fill one in where they know what went wrong
 * (`bool assign(..., Protocol::Error *error)`), so the code a client sees is decided there and
 * never guessed later from the wording.
 */
struct Error
{
    QString code;
    QString message;
    QJsonObject details = {}; ///< Optional, for machines: what failed where.

    QJsonObject toJson() const;
    static std::optional<Error> fromJson(const QJsonObject &object, QString *problem);
};

/// Client -> rackd, first message: protocol version and credentials.
struct Hello
{
    int protocol = Version;
    QString software;
    QString token; ///< A client's token, or a joined node's own credential.
    QString joinSecret = {}; ///< Instead of a token: a node joining for the first time.
    QJsonObject agent = {}; ///< Set by rack-agent: the node's identity (mac, hostname, model, ...).

    bool isAgent() const { return !agent.isEmpty(); }

    QJsonObject toJson() const;
    static std::optional<Hello> fromJson(const QJsonObject &object, QString *problem);
};

/// rackd -> client, after a good hello.
struct Welcome
{
    int protocol = Version;
    QString software;
    QString tokenName;
    QString role;
    QString credential = {}; ///< Only when a node joined: its own credential, shown this once.

    QJsonObject toJson() const;
    static std::optional<Welcome> fromJson(const QJsonObject &object, QString *problem);
};

struct Request
{
    qint64 id = 0;
    QString method;
    QJsonObject params;

    QJsonObject toJson() const;
    static std::optional<Request> fromJson(const QJsonObject &object, QString *problem);
};

struct Reply
{
    qint64 id = 0;
    QJsonObject result; ///< When there is no error.
    std::optional<Error> error;

    bool isError() const { return error.has_value(); }
    QJsonObject toJson() const;
    static std::optional<Reply> fromJson(const QJsonObject &object, QString *problem);
    static Reply failure(
        qint64 id, const QString &code, const QString &message, const QJsonObject &details = {});
    static Reply failure(qint64 id, const Error &error);
    static Reply success(qint64 id, const QJsonObject &result);
};

/// rackd -> subscribed clients: something changed.
struct Event
{
    QString name; ///< "relay.changed", ...
    QJsonObject data;

    QJsonObject toJson() const;
    static std::optional<Event> fromJson(const QJsonObject &object, QString *problem);
};

/// Connection-level failure, sent just before rackd closes the connection.
QJsonObject connectionError(const QString &code, const QString &message);

/// The message's type, or empty when it has none.
QString typeOf(const QJsonObject &object);

/// A JSON number that is whole and within [lowest, highest], or nothing. The range is checked before
/// any conversion: casting a double outside an integer's range is undefined behaviour (and arm64
/// and x86 answer differently).
std::optional<qint64> wholeNumber(const QJsonValue &value, qint64 lowest, qint64 highest);

} // namespace Protocol

QDebug operator<<(QDebug debug, const Protocol::Request &request);
QDebug operator<<(QDebug debug, const Protocol::Reply &reply);
QDebug operator<<(QDebug debug, const Protocol::Event &event);
