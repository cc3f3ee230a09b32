"""legalcredit: 公共法律服务信用监管平台."""

__version__ = "0.1.0"
