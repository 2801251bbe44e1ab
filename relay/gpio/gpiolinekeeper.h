// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

/**
 * Something outside rackd's process that keeps its line requests open while rackd restarts, so
 * that no relay line is ever released by a restart, a crash or an upgrade. A released line may
 * fall back to an input (mainline Linux on a Pi 1-4) and an active-low relay board then switches.
 * The requests are kept under names such as "gpio-gpiochip0-18".
 */
class GpioLineKeeper
{
public:
    virtual ~GpioLineKeeper() = default;

    /// For messages: "systemd's file descriptor store".
    virtual QString description() const = 0;
    /// Whether anything keeps the requests; false when rackd was not started by systemd.
    virtual bool isAvailable() const = 0;
    /// The request an earlier run kept under `name` (or given back), now owned by the caller; -1 when none.
    virtual int take(const QString &name) = 0;
    /// Gives a descriptor of a kept request back, for a later take() (the bank closes).
    virtual void giveBack(const QString &name, int fd) = 0;
    /// The names of kept requests that nobody has taken.
    virtual QStringList untakenNames() const = 0;
    /// Keeps a copy of `fd` under `name` until forget(); the caller keeps its own descriptor.
    virtual bool keep(const QString &name, int fd, QString *error) = 0;
    /// Stops keeping the request named so (the line is released once nobody else holds it).
    virtual void forget(const QString &name) = 0;
};

/**
 * systemd's file descriptor store (FileDescriptorStoreMax= in rackd.service): systemd holds the
 * requests while the service restarts, crashes or is upgraded, and passes them back to the next
 * rackd; it drops them when the service is stopped.
 */
class SystemdLineKeeper : public GpioLineKeeper
{
public:
    /// Takes the descriptors systemd passed to this process (call it once, early).
    SystemdLineKeeper();
    ~SystemdLineKeeper() override;

    QString description() const override;
    bool isAvailable() const override;
    int take(const QString &name) override;
    void giveBack(const QString &name, int fd) override;
    QStringList untakenNames() const override;
    bool keep(const QString &name, int fd, QString *error) override;
    void forget(const QString &name) override;

private:
    QMap<QString, int> m_held; ///< This process's descriptors of kept requests, by name.
};

/// The process's one SystemdLineKeeper: the descriptors systemd passes can be taken only once.
GpioLineKeeper &systemdLineKeeper();
