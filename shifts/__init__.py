"""The shift marketplace: hourly slots published by admins, booked first-come by certified freelancers."""
