"""Encryption of personal data at rest (个人信息保护法 Art 51; GB/T 22239 confidentiality).

Deterministic AES-SIV (RFC 5297): the same value under the same key always gives the same
token, so the database can still look a person up by ID number and enforce its uniqueness on
the ciphertext, while a copy of the database (a backup, a stolen disk) shows no ID number.
What determinism gives away, that two rows hold the same number, is what the unique index and
any blind-index scheme give away too.

A token is ``enc:<key id>:<base64url>``; the key id lets a keyring hold old keys, so data sealed
before a rotation still opens and ``keys rotate`` can re-seal it under the current key.
Field encryption libraries for Django (django-cryptography and its forks) use Fernet, whose
random IV makes equality lookups and unique constraints impossible; hence this module.
"""
from __future__ import annotations

import base64
import functools
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

PREFIX = "enc:"
KEY_BYTES = 64  # AES-256-SIV
CONTEXT = [b"legalcredit/personal-data/v1"]


class SealingError(Exception):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_key() -> str:
    return _b64(secrets.token_bytes(KEY_BYTES))


def is_sealed(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def key_id_of(token: str) -> str | None:
    return token.split(":", 2)[1] if is_sealed(token) and token.count(":") >= 2 else None


@functools.lru_cache(maxsize=16)
def _aessiv(key: str) -> AESSIV:
    # Setting up the cipher cost more than sealing one ID number with it.
    return AESSIV(_unb64(key))


@dataclass(frozen=True)
class Keyring:
    current: str
    keys: dict[str, str]  # key id -> base64url key

    def __post_init__(self):
        if self.current not in self.keys:
            raise SealingError(f"当前密钥 {self.current} 不在密钥环中")
        for kid, key in self.keys.items():
            if not kid.isalnum() or len(_unb64(key)) != KEY_BYTES:
                raise SealingError(f"密钥 {kid} 格式错误：应为 {KEY_BYTES} 字节的 base64url 编码")

    def _cipher(self, kid: str) -> AESSIV:
        try:
            return _aessiv(self.keys[kid])
        except KeyError:
            raise SealingError(f"密钥环中没有密钥 {kid}，无法解密（请从密钥备份恢复）") from None

    def seal(self, value: str | None) -> str | None:
        if value is None or value == "" or is_sealed(value):
            return value
        body = self._cipher(self.current).encrypt(value.encode("utf-8"), CONTEXT)
        return f"{PREFIX}{self.current}:{_b64(body)}"

    def open(self, value: str | None) -> str | None:
        if not is_sealed(value):
            return value
        kid = key_id_of(value)
        try:
            return self._cipher(kid).decrypt(_unb64(value.split(":", 2)[2]), CONTEXT).decode("utf-8")
        except (InvalidTag, ValueError):
            raise SealingError(f"密文无法用密钥 {kid} 解开：数据被改动或密钥不符") from None

    def reseal(self, value: str | None) -> str | None:
        """The value under the current key (unchanged when it already is)."""
        if is_sealed(value) and key_id_of(value) == self.current:
            return value
        return self.seal(self.open(value))

    def rotated(self) -> Keyring:
        """A keyring with a fresh current key; old keys stay so older data and backups open."""
        n = 1 + max((int(k[1:]) for k in self.keys if k[1:].isdigit()), default=0)
        kid = f"k{n}"
        return Keyring(current=kid, keys={**self.keys, kid: new_key()})

    def to_dict(self) -> dict:
        return {"current": self.current, "keys": dict(self.keys)}

    @classmethod
    def from_dict(cls, data: dict) -> Keyring:
        try:
            return cls(current=data["current"], keys=dict(data["keys"]))
        except (KeyError, TypeError):
            raise SealingError("密钥环文件格式错误：应含 current 与 keys") from None

    @classmethod
    def fresh(cls) -> Keyring:
        return cls(current="k1", keys={"k1": new_key()})
