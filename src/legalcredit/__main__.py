from legalcredit.cli import main

raise SystemExit(main())
