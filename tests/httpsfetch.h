// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "protocol/tlsidentity.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>

/// One answer of rackd's HTTPS listener, as a test sees it.
struct HttpsFetched
{
    int status = 0;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; ///< Names in lower case.
    QString fingerprint; ///< Of the certificate the listener presented.
    QString error;

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

/**
 * One request to rackd's listener on 127.0.0.1, waiting for the answer in the event loop (rackd
 * runs in this thread). rackd's certificate is self-signed: trusted here by its fingerprint, as
 * pirack and rackctl do. A body goes as application/json unless `headers` say otherwise.
 */
inline HttpsFetched httpsFetch(QNetworkAccessManager &network, quint16 port, const QByteArray &method,
    const QString &path, const QList<QPair<QByteArray, QByteArray>> &headers = {},
    const QByteArray &body = {}, bool tls = true)
{
    QNetworkRequest request(QUrl(QStringLiteral("%1://127.0.0.1:%2%3")
                                     .arg(tls ? QStringLiteral("https") : QStringLiteral("http"))
                                     .arg(port)
                                     .arg(path)));
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = network.sendCustomRequest(request, method, body);
    HttpsFetched fetched;
    QObject::connect(reply, &QNetworkReply::sslErrors, reply, [reply, &fetched](const QList<QSslError> &) {
        fetched.fingerprint = certificateFingerprint(reply->sslConfiguration().peerCertificate());
        reply->ignoreSslErrors();
    });
    if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 15000)) {
        fetched.error = QStringLiteral("no answer in 15 s");
        reply->abort();
    }
    fetched.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    fetched.body = reply->readAll();
    for (const auto &[name, value] : reply->rawHeaderPairs())
        fetched.headers.insert(name.toLower(), value);
    if (fetched.error.isEmpty() && reply->error() != QNetworkReply::NoError && fetched.status == 0)
        fetched.error = reply->errorString();
    reply->deleteLater();
    return fetched;
}
