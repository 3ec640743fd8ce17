import sys

from gigplatform.cli import main

sys.exit(main())
