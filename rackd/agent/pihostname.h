// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

/**
 * A Pi's own host name, as Raspberry Pi OS keeps it: /etc/hostname, the `127.0.1.1 NAME` line of
 * /etc/hosts (so `sudo` and the Pi's own programs resolve it), and the running kernel's name. Every
 * fresh image calls itself "raspberrypi"; once rackd places the Pi, its agent makes it the slot's
 * name (s3-n2), which the shell prompt, Ansible facts and MPI output then show.
 *
 * Everything is under a root directory: "/" on a Pi, a fixture directory on the virtual rack,
 * where the running name is ROOT/proc/sys/kernel/hostname instead of sethostname(2).
 */
namespace PiHostname {

/// What a Pi may be called: a node name as rackd gives it (isNodeName).
bool isValid(const QString &name);

/**
 * /etc/hosts with `name` on its 127.0.1.1 line (the first such line; the other names on it are
 * dropped, as raspi-config does), or such a line added after the last loopback line. Every other
 * line stays exactly as it was.
 */
QByteArray hostsWithName(const QByteArray &hosts, const QString &name);

/// The running host name under `root` (empty when it cannot be read).
QString runningName(const QString &root);

/// Whether the Pi under `root` has `name` everywhere already.
bool isSet(const QString &root, const QString &name);

/**
 * Gives the Pi under `root` the name `name`: each file is replaced atomically (only when it
 * differs), then the running name is set. `changed` lists what changed, in words. On failure
 * `error` says which step failed; the steps before it stay done (each leaves a whole file).
 */
bool apply(const QString &root, const QString &name, QStringList *changed, QString *error);

} // namespace PiHostname
