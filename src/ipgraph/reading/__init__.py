"""Reading the inputs: source texts and their sections, numbers written in English and Chinese, and the YAML fact
files, each checked against its schema.
"""
