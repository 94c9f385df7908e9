"""Backup and restore: one zip with the data of every duban table, the uploaded files and a manifest.

The manifest records the format, duban's version and the applied migrations; a restore refuses
a file from another schema rather than loading half of it. Restore replaces everything in one
transaction: a failure part-way leaves the database as it was.
"""

import io
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "duban-backup"
FORMAT_VERSION = 1
# Rebuilt by Django itself, or throwaway: sessions, content types, permissions.
EXCLUDED = {"contenttypes", "sessions", "auth.permission", "auth.group"}


class BackupError(Exception):
    """A message for the user, in Chinese and English."""


def _models():
    out = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if (
            model._meta.app_label in EXCLUDED
            or label in EXCLUDED
            or model._meta.proxy
            or not model._meta.managed
        ):
            continue
        out.append(model)
    app_list = {}
    for m in out:
        app_list.setdefault(m._meta.app_config, []).append(m)
    return serializers.sort_dependencies(app_list.items(), allow_cycles=True)


def _migrations() -> dict[str, list[str]]:
    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    applied: dict[str, list[str]] = {}
    for app, name in sorted(recorder.applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def create_backup(path: Path) -> dict:
    models = _models()
    counts = {}
    buf = io.StringIO()
    objects = []
    for model in models:
        qs = model._base_manager.order_by(model._meta.pk.name)
        counts[model._meta.label_lower] = qs.count()
        objects.append(qs.iterator(chunk_size=2000))

    def chain():
        for it in objects:
            yield from it

    serializers.serialize(
        "json", chain(), stream=buf, use_natural_foreign_keys=True, use_natural_primary_keys=False
    )
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "duban_version": settings.DUBAN_VERSION,
        "created_at": timezone.now().isoformat(),
        "database": connections[DEFAULT_DB_ALIAS].vendor,
        "migrations": _migrations(),
        "counts": counts,
    }
    path = Path(path)
    tmp = path.with_suffix(path.suffix + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        zf.writestr("data.json", buf.getvalue())
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            for f in sorted(media.rglob("*")):
                if f.is_file():
                    zf.write(f, "media/" + f.relative_to(media).as_posix())
    tmp.replace(path)
    return manifest


def _refuse_hostile(path: Path) -> None:
    """The upload gate at restore's entry: the size, the declared expansion and ratio, the member
    count and paths of the zip, from its directory alone, before a byte is inflated. Files that are
    no zip at all are left to the messages below."""
    from duban.core.uploads import UploadRefused, check_archive_path

    try:
        with Path(path).open("rb") as fh:
            if fh.read(2) != b"PK":
                return
    except OSError:
        return
    try:
        check_archive_path(path)
    except UploadRefused as e:
        raise BackupError(e.bilingual()) from None


def read_manifest(path: Path) -> tuple[zipfile.ZipFile, dict]:
    _refuse_hostile(path)
    try:
        zf = zipfile.ZipFile(path)
        bad = zf.testzip()
    except FileNotFoundError:
        raise BackupError(f"找不到备份文件 / backup file not found: {path}") from None
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise BackupError(
            f"备份文件已损坏或不是 duban 备份 / the file is corrupt or not a duban backup ({e})"
        ) from None
    if bad is not None:
        raise BackupError(
            f"备份文件已损坏（{bad} 校验失败）/ the backup is corrupt (checksum of {bad} fails)"
        )
    try:
        manifest = json.loads(zf.read("manifest.json"))
    except (KeyError, ValueError):
        raise BackupError("备份文件缺少有效的清单 / the backup has no valid manifest.json") from None
    if manifest.get("format") != FORMAT:
        raise BackupError("这不是 duban 备份文件 / this is not a duban backup")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"备份格式版本 {manifest.get('format_version')} 与本系统（{FORMAT_VERSION}）不符 / "
            f"backup format version {manifest.get('format_version')} is not {FORMAT_VERSION}"
        )
    if manifest.get("migrations") != _migrations():
        raise BackupError(
            f"备份来自另一个版本（duban {manifest.get('duban_version')}，数据库结构不同），未做任何修改；"
            f"请使用相同版本的 duban 恢复 / the backup comes from another version (duban {manifest.get('duban_version')}, "
            "different database schema); nothing was changed: restore it with the same version of duban"
        )
    return zf, manifest


def restore_backup(path: Path) -> dict:
    zf, manifest = read_manifest(path)
    with zf:
        try:
            data = zf.read("data.json").decode("utf-8")
        except (KeyError, UnicodeDecodeError):
            raise BackupError("备份文件缺少数据 / the backup has no data.json") from None
        media_names = [n for n in zf.namelist() if n.startswith("media/") and not n.endswith("/")]
        staging = Path(tempfile.mkdtemp(prefix="duban-restore-"))
        for name in media_names:
            target = (staging / name[len("media/") :]).resolve()
            if staging.resolve() not in target.parents:
                raise BackupError(f"备份中的文件路径非法 / unsafe path in backup: {name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(name))
    models = _models()
    connection = connections[DEFAULT_DB_ALIAS]
    counts: dict[str, int] = {}
    try:
        with transaction.atomic():
            with connection.constraint_checks_disabled():
                for model in reversed(models):
                    model._base_manager.all()._raw_delete(using=DEFAULT_DB_ALIAS)
                for obj in serializers.deserialize("json", data, handle_forward_references=True):
                    obj.save()
                    label = obj.object._meta.label_lower
                    counts[label] = counts.get(label, 0) + 1
                    if obj.deferred_fields:
                        obj.save_deferred_fields()
            connection.check_constraints()
            sql = connection.ops.sequence_reset_sql(no_style(), models)
            with connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)
    except BackupError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    except Exception as e:
        shutil.rmtree(staging, ignore_errors=True)
        raise BackupError(
            f"恢复失败，数据库未被修改 / restore failed, the database was not changed: {e}"
        ) from e
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.rmtree(media)
    media.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(staging), str(media))
    return {"manifest": manifest, "restored": counts}
